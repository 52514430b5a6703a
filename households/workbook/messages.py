"""Every message the registry workbook import and export show, in Chinese, saying what to do.

Constants, so that the tests assert on the same text the users read. Placeholders are
filled with `str.format`.
"""

# A cell.
REQUIRED = "「{column}」不能为空：请填写后重新导入"
NOT_IN_CHOICES = "「{value}」不是「{column}」的有效值：应为 {choices} 之一"
NOT_A_NUMBER = "「{column}」应填数字，「{value}」不是数字：请删去文字，只保留数字"
NEGATIVE = "「{column}」不能为负数：请填写 0 或正数，没有该项收入请留空"
TOO_MANY_DECIMALS = "「{column}」最多保留 {places} 位小数：请四舍五入后重新填写"
TOO_LARGE = "「{column}」超出可保存的范围（最大 {limit}）：请检查是否多写了位数"
NOT_AN_INTEGER = "「{column}」应为整数，「{value}」不是整数"
OUT_OF_RANGE = "「{column}」应在 {low} 到 {high} 之间，「{value}」超出范围"
NOT_A_DATE = (
    "「{column}」的「{value}」不是有效日期：请填写 Excel 日期，或 YYYY-MM-DD 格式的文本，如 2024-09-30"
)
NOT_YES_NO = "「{column}」应填“是”或“否”，不能是「{value}」"
TOO_LONG = "「{column}」最多 {limit} 个字符，当前 {length} 个：请删减后重新导入"
DIGITS_LOST = (
    "「{column}」以数字格式保存，末尾几位已丢失（Excel 的数字只保留 15 位有效数字）："
    "请把该列设为文本格式，重新填写完整号码"
)
STORED_AS_NUMBER = "「{column}」以数字格式保存，已按文本读取：建议把该列设为文本格式，以免丢失位数"

# A sheet and its header row.
MISSING_SHEET = (
    "缺少工作表「{sheet}」：请使用登记数据导入模板，保留全部五个工作表"
    "（区划、户信息、家庭成员、年度收入、帮扶措施；没有数据的工作表只保留表头）"
)
EXTRA_SHEET = "工作表「{sheet}」不属于登记数据模板，已忽略"
HEADER_NOT_FOUND = "工作表「{sheet}」的前几行中找不到表头（应含「{key}」等列）：请把模板的表头放在第 1 行"
MISSING_COLUMN = "缺少必填列「{column}」：请在表头中加入该列"
MISSING_OPTIONAL_COLUMN = "缺少列「{column}」：该列不导入，系统中已有的值保持不变"
EXTRA_COLUMN = "列「{column}」不属于模板，已忽略"
DUPLICATE_COLUMN = "表头「{column}」出现了两次（第 {first} 列和第 {second} 列）：请删除其中一列"
TOO_MANY_ROWS = "工作表「{sheet}」超过 {limit} 行的上限：请按乡镇拆分成几个工作簿分批导入"

# Keys and references between rows, sheets and the database.
DUPLICATE_AREA = "区划代码「{value}」重复（第 {first} 行已出现）：每个区划只能有一行"
AREA_CODE_INVALID = "区划代码「{value}」无效：应为 6 位（县）、9 位（乡镇）或 12 位（行政村）数字"
AREA_PARENT_MISSING = "上级区划「{parent}」不存在：请在「区划」工作表中登记上级区划，或改正区划代码"
AREA_OUT_OF_SCOPE = "区划「{value}」不在您的管辖范围（{scope}）内：只能导入本县的数据"
ELIMINATION_METHOD_WITHOUT_ELIMINATION = (
    "「风险消除方式」只能在风险状态为“风险已消除”时填写，本行风险状态为「{status}」："
    "请清空风险消除方式，或把风险状态改为“风险已消除”"
)
DUPLICATE_HOUSEHOLD = "户编号「{value}」重复（第 {first} 行已出现）：每户只能有一行"
VILLAGE_UNKNOWN = "村代码「{value}」不存在：请在「区划」工作表中登记该行政村，或改正村代码"
NOT_A_VILLAGE = "村代码「{value}」不是行政村代码：应为 12 位数字"
HOUSEHOLD_OUT_OF_SCOPE = "户编号「{value}」已登记在您管辖范围以外的行政村：不能通过本次导入修改"
HOUSEHOLD_MISSING = "户编号「{value}」在「户信息」工作表和系统中都不存在：请先在「户信息」中登记该户，或改正户编号"
REPEATED_MEMBER_ID = (
    "同一户（{household}）中证件号码「{value}」出现多次（第 {first} 行已出现）：按出现顺序与系统中该户持此证件号码的成员"
    "依次对应（如迁出后又迁入的成员）；若是同一人重复登记，请核对（数据清洗规则 B02 也会发现）"
)
DUPLICATE_MEMBER_NO = "成员编号「{value}」重复（第 {first} 行已出现）：每个成员只能有一行"
MEMBER_NO_NOT_IN_HOUSEHOLD = (
    "成员编号「{value}」不是户「{household}」的成员：成员编号由系统导出时填写，请勿改动；"
    "新增的成员请留空；工作簿来自其他系统时，请清空「成员编号」整列"
)
MEMBER_NO_MISMATCH = (
    "成员编号「{value}」是户「{household}」的「{name}」，与本行的姓名和证件号码都不符：请核对是否填错了行；"
    "工作簿来自其他系统时，请清空「成员编号」整列"
)
MEMBER_NO_TAKEN = (
    "成员编号「{value}」的成员已由前面一行（按证件号码）对应：请为那一行也填写成员编号，或删去重复的行"
)
MEMBER_NO_IGNORED = "「成员编号」只对系统中已登记的户有效：新登记户的成员按新成员登记，所填的成员编号不使用"
DUPLICATE_MEMBER_WITHOUT_ID = (
    "同一户（{household}）中有两个没有证件号码的「{value}」（第 {first} 行已出现）：请补填证件号码"
)
DUPLICATE_INCOME = "户编号「{household}」的 {value} 年度收入重复（第 {first} 行已出现）：每户每年只能有一行"

# The file itself (workbook_safety.py).
NOT_XLSX = "文件不是 Excel 工作簿（.xlsx）：请在 Excel 或 WPS 中“另存为 Excel 工作簿 (*.xlsx)”后再上传"
OLD_OR_ENCRYPTED = (
    "这是旧版 .xls 工作簿或设了密码的工作簿：请取消密码，并“另存为 Excel 工作簿 (*.xlsx)”后再上传"
)
NOT_XLSX_NAME = "只能上传 .xlsx 格式的 Excel 工作簿"
CORRUPT = "工作簿已损坏，无法读取：请在 Excel 或 WPS 中打开并重新保存后再上传"
UPLOAD_TOO_LARGE = "文件大小 {size} 超过上限 {limit}：请按乡镇拆分成几个工作簿分批导入"
UNPACKED_TOO_LARGE = "工作簿解压后达 {size}，超过上限 {limit}：请按乡镇拆分成几个工作簿分批导入"
RATIO_TOO_HIGH = "工作簿中的「{entry}」压缩比异常（{ratio}:1），疑似恶意构造的文件，已拒绝读取"
TOO_MANY_ENTRIES = "工作簿内含 {count} 个部件，超过上限 {limit}，疑似恶意构造的文件，已拒绝读取"
XML_FORBIDDEN = "工作簿中含有不允许的 XML 定义（实体或外部引用），疑似恶意构造的文件，已拒绝读取"
SHARED_STRINGS_TOO_LARGE = (
    "工作簿的共享文本表（xl/sharedStrings.xml）解压后达 {size}，超过上限 {limit}，读取会耗尽服务器内存，"
    "已拒绝读取：请按乡镇拆分成几个工作簿分批导入，或检查是否粘贴了大量无关文字"
)
ENCRYPTED_ENTRY = "工作簿中有加密的部件，无法读取：请取消密码后重新保存再上传"

# The outcome.
TOO_MANY_ERRORS_LISTED = "另有 {count} 个问题未列出：请先改正以上问题后重新导入"
IMPORT_REFUSED = "导入未执行：发现 {count} 个问题，数据库未作任何修改"
IMPORT_CRASHED = "导入中途出错，已全部撤销，数据库未作任何修改：{error}"
IMPORT_NOT_CONFIRMABLE = "这次上传当前不能确认导入（状态：{status}）"
FILE_MISSING = "上传的文件已不在服务器上：请重新上传"

# The task queue and its workers.
QUEUE_UNAVAILABLE_UPLOAD = (
    "任务队列（Redis）暂时无法连接，上传的工作簿未能开始校验，已删除，数据库未作任何修改："
    "请稍后重新上传；如仍不行，请联系系统管理员检查 Redis 和后台任务进程（worker）"
)
QUEUE_UNAVAILABLE_CONFIRM = (
    "任务队列（Redis）暂时无法连接，导入未能开始，数据库未作任何修改：工作簿仍在等待确认，请稍后再点“确认导入”"
)
IMPORT_STUCK = (
    "导入在 {minutes} 分钟内没有完成，运行它的后台任务进程（worker）可能已中断，已标记为失败，"
    "写到一半的数据已全部撤销，上传的工作簿已删除：请重新上传"
)
UPLOAD_EXPIRED = "上传后 {hours} 小时内未确认导入，工作簿已删除：如需导入请重新上传"
