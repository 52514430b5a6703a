// 批量通过: the "全选本页" box (hidden without JavaScript) ticks or clears every ticket box on the page.
document.querySelectorAll("[data-select-all]").forEach((all) => {
  const form = all.form;
  const boxes = () => form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]`);
  all.hidden = false;
  form.querySelector(`label[for="${all.id}"]`).hidden = false;
  all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
  form.addEventListener("change", (event) => {
    if (event.target === all) return;
    const list = Array.from(boxes());
    all.checked = list.length > 0 && list.every((box) => box.checked);
  });
});
