// 批量通过 of change requests: the "全选本页" box (hidden without JavaScript) ticks or clears
// every enabled request box of the page; it shows ticked when all of them are.
document.querySelectorAll("[data-select-all]").forEach((all) => {
  const form = all.form;
  const boxes = () => Array.from(form.querySelectorAll(`input[type=checkbox][name="${all.dataset.selectAll}"]:not(:disabled)`));
  all.hidden = false;
  form.querySelector(`label[for="${all.id}"]`).hidden = false;
  all.addEventListener("change", () => boxes().forEach((box) => { box.checked = all.checked; }));
  form.addEventListener("change", (event) => {
    if (event.target === all) return;
    const list = boxes();
    all.checked = list.length > 0 && list.every((box) => box.checked);
  });
});
