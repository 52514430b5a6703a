"""部门数据 on screen: the department lists' batches, uploads, rows, findings and comparisons."""
