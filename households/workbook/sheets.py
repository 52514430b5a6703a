"""The registry import, sheet by sheet: checks within the sheet, references, comparison, writes.

Each sheet has a handler. In the validating pass the importer calls `check` on every
parsed row (keys unique within the sheet, codes well formed) and `process(batch,
validating=True)` on batches of rows (references to other sheets and to the database,
scope, and the comparison that counts what would be created, updated or left alone).
In the writing pass it calls `process(batch, validating=False)` on the same rows and
`write` on the plan. Rows are matched on their keys, so a second import of the same
workbook finds every row unchanged.
"""

from collections import Counter
from dataclasses import dataclass, field
from operator import itemgetter

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

from households import id_numbers
from households.workbook import messages as msg
from households.choices import AreaLevel, EliminationMethod, RiskStatus
from households.models import AnnualIncome, Area, AssistanceMeasure, Household, Member, move_rows_to_household_county
from households.scope import county_code
from households.workbook.template import AREAS, HOUSEHOLDS, INCOMES, MEASURES, MEMBERS, SheetSpec
from households.workbook.cells import Column, label

BATCH_SIZE = 2000
Row = tuple[int, dict]  # (Excel row number, {column code: parsed value})


# Inserted with COPY on PostgreSQL (households too: their keys are fetched back by number).
COPIED = (Household, Member, AnnualIncome, AssistanceMeasure)
# Fields whose get_db_prep_save gives back, on PostgreSQL, the value the import already holds
# (a str, int, bool, date, aware datetime or Decimal): COPY takes it as it is.
PLAIN_FIELDS = (models.CharField, models.PositiveSmallIntegerField, models.BooleanField, models.DateField,
                models.DateTimeField, models.DecimalField, models.ForeignKey)


def bulk_create(model: type[models.Model], records: list[dict]) -> None:
    """Every insert of the import goes through here (a test breaks it to simulate a crash).

    `records` are what the model's constructor would take: field name → value.
    """
    if not records:
        return
    if connection.vendor == "postgresql" and model in COPIED:
        copy_create(model, records)
    else:
        model.objects.bulk_create([model(**record) for record in records], batch_size=BATCH_SIZE)


def copy_create(model: type[models.Model], records: list[dict]) -> None:
    """Insert `records` with one COPY, from tuples: no model instance, no SQL per batch."""
    # The wrapper itself: `connection` is a proxy that looks it up (asgiref) on every attribute.
    database = connections[DEFAULT_DB_ALIAS]
    fields = [field for field in model._meta.concrete_fields if not (field.primary_key or field.generated)]
    columns = ", ".join(database.ops.quote_name(field.column) for field in fields)
    table = database.ops.quote_name(model._meta.db_table)
    with database.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in copy_rows(model, records, database):
            copy.write_row(row)


def copy_rows(model: type[models.Model], records: list[dict], database) -> list[tuple]:
    """The values bulk_create would write for `records`, in the order of the model's concrete fields
    (the primary key left to its sequence): a field the records lack has its default, auto_now and
    auto_now_add fields the time of this call. Every record names the same fields."""
    if not records:
        return []
    now = timezone.now()
    fields = [field for field in model._meta.concrete_fields if not (field.primary_key or field.generated)]
    given = {}
    for name in records[0]:
        field = model._meta.get_field(name)
        given[field.attname] = name
    fixed, order, prepared = [], [], []
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.attname in given:
            order.append(list(given).index(field.attname))
            if not isinstance(field, PLAIN_FIELDS):
                prepared.append((len(order) - 1, field))
            continue
        else:
            value = field.get_db_prep_save(field.get_default(), database)
        order.append(len(given) + len(fixed))
        fixed.append(value)
    # Two C-level gathers per record: its values in the order named, then the row in field order.
    pick = itemgetter(*given.values()) if len(given) > 1 else lambda record, name=next(iter(given.values())): (record[name],)
    arrange = itemgetter(*order) if len(order) > 1 else lambda values, index=order[0]: (values[index],)
    fixed = tuple(fixed)
    rows = [arrange(pick(record) + fixed) for record in records]
    if prepared:  # e.g. the household's risk types (JSON): adapted as bulk_create adapts them
        rows = [list(row) for row in rows]
        for row in rows:
            for index, field in prepared:
                row[index] = field.get_db_prep_save(row[index], database)
    return rows


def bulk_update(model: type[models.Model], objects: list, fields: list[str]) -> None:
    if objects:
        model.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)


@dataclass
class Plan:
    rows: list[Row] = field(default_factory=list)      # rows that passed every check
    create: list[Row] = field(default_factory=list)
    update: list[models.Model] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class ImportContext:
    """What the sheets learn about each other while the workbook is read."""

    report: object                      # importer.Issues: .error(sheet, row, column, value, message)
    scope: str | None = None            # area-code prefix the import may touch; None: everything
    scope_label: str = ""
    area_rows: dict[str, int] = field(default_factory=dict)      # code → first row in 区划
    areas: dict[str, str] = field(default_factory=dict)          # known valid code → level
    household_rows: dict[str, int] = field(default_factory=dict)  # number → first row in 户信息
    households: dict[str, int | None] = field(default_factory=dict)  # number → pk (None: new)
    villages: dict[str, str] = field(default_factory=dict)  # number → village code (the workbook's, else the registry's)
    foreign: set[str] = field(default_factory=set)   # numbers registered outside the scope
    missing: set[str] = field(default_factory=set)   # numbers found nowhere
    new_households: set[str] = field(default_factory=set)  # numbers this import registers

    def in_scope(self, code: str) -> bool:
        return self.scope is None or code.startswith(self.scope)


class SheetHandler:
    spec: SheetSpec
    batch_size: int | None = BATCH_SIZE  # None: the whole sheet in one batch

    def __init__(self, context: ImportContext, columns: list[Column]):
        self.context = context
        self.columns = columns
        # Columns compared with and copied onto a record: all but 户编号 and 成员编号, which identify it.
        self.data_columns = [column for column in columns if column.code != "household_no" and not column.identifier]

    def error(self, row: int, code: str, value, message: str) -> None:
        self.context.report.error(self.spec.name, row, self.spec.column(code).header, value, message)

    def check(self, row: int, values: dict) -> bool:
        return True

    def note_invalid(self, row: int, values: dict) -> None:
        """A row with a bad cell: remember its key so other rows are not blamed for it."""

    def process(self, batch: list[Row], *, validating: bool) -> Plan:
        raise NotImplementedError

    def fields(self) -> list[str]:
        return [column.field for column in self.data_columns]

    def assign(self, record: models.Model, values: dict) -> bool:
        """Copy the row's values onto `record`; whether anything differed."""
        changed = False
        for column in self.data_columns:
            value = values[column.code]
            if getattr(record, column.field) != value:
                setattr(record, column.field, value)
                changed = True
        return changed

    def record(self, values: dict) -> dict:
        """A new row's fields (field name → value), as the model's constructor takes them."""
        return {column.field: values[column.code] for column in self.data_columns}

    def write(self, plan: Plan) -> None:
        bulk_create(self.spec.model, [self.record(values) for _, values in plan.create])
        bulk_update(self.spec.model, plan.update, self.fields())


class AreaSheet(SheetHandler):
    spec = AREAS
    batch_size = None  # parents may come after their children: check the sheet as a whole

    def check(self, row: int, values: dict) -> bool:
        code = values["code"]
        first = self.context.area_rows.setdefault(code, row)
        if first != row:
            self.error(row, "code", code, msg.DUPLICATE_AREA.format(value=code, first=first))
            return False
        if not code.isdigit() or Area.level_for_code(code) is None:
            self.error(row, "code", code, msg.AREA_CODE_INVALID.format(value=code))
            return False
        if not self.context.in_scope(code):
            self.error(row, "code", code,
                       msg.AREA_OUT_OF_SCOPE.format(value=code, scope=self.context.scope_label))
            return False
        return True

    def note_invalid(self, row: int, values: dict) -> None:
        if "code" in values:
            self.context.area_rows.setdefault(values["code"], row)

    def process(self, batch: list[Row], *, validating: bool) -> Plan:
        codes = {values["code"] for _, values in batch}
        existing = Area.objects.in_bulk(codes | {code[:-3] for code in codes if len(code) > 6})
        accepted: set[str] = set()
        plan = Plan()
        # Parents before children, so that a child of a refused parent is refused too.
        for row, values in sorted(batch, key=lambda item: (len(item[1]["code"]), item[0])):
            code = values["code"]
            parent = code[:-3] if len(code) > 6 else None
            if validating and parent and parent not in accepted and parent not in existing:
                if parent not in self.context.area_rows:  # else its own row is wrong, and reported
                    self.error(row, "code", code, msg.AREA_PARENT_MISSING.format(parent=parent))
                continue
            accepted.add(code)
            plan.rows.append((row, values))
            self.context.areas[code] = Area.level_for_code(code)
            area = existing.get(code)
            if area is None:
                plan.create.append((row, values))
            elif self.assign(area, values):
                plan.update.append(area)
            else:
                plan.unchanged += 1
        return plan

    def record(self, values: dict) -> dict:
        code = values["code"]
        return {"code": code, "name": values["name"], "level": Area.level_for_code(code),
                "parent_id": code[:-3] if len(code) > 6 else None}

    def write(self, plan: Plan) -> None:
        # Plan order puts parents first (PostgreSQL checks the foreign keys only at commit anyway).
        bulk_create(Area, [self.record(values) for _, values in plan.create])
        bulk_update(Area, plan.update, ["name"])


class HouseholdSheet(SheetHandler):
    spec = HOUSEHOLDS

    def __init__(self, context, columns):
        super().__init__(context, columns)
        self.moved_county: list[int] = []  # registered households this workbook moves to another county

    def check(self, row: int, values: dict) -> bool:
        number, village = values["household_no"], values["village_code"]
        first = self.context.household_rows.setdefault(number, row)
        if first != row:
            self.error(row, "household_no", number, msg.DUPLICATE_HOUSEHOLD.format(value=number, first=first))
            return False
        if len(village) != 12 or not village.isdigit():
            self.error(row, "village_code", village, msg.NOT_A_VILLAGE.format(value=village))
            return False
        if not self.context.in_scope(village):
            self.error(row, "village_code", village,
                       msg.AREA_OUT_OF_SCOPE.format(value=village, scope=self.context.scope_label))
            return False
        method, status = values.get("elimination_method"), values.get("risk_status")
        if method and status != RiskStatus.ELIMINATED:
            self.error(row, "elimination_method", label(EliminationMethod, method),
                       msg.ELIMINATION_METHOD_WITHOUT_ELIMINATION.format(
                           status=label(RiskStatus, status) if status else "空"))
            return False
        return True

    def note_invalid(self, row: int, values: dict) -> None:
        if "household_no" in values:
            self.context.household_rows.setdefault(values["household_no"], row)

    @property
    def _clears_method(self) -> bool:
        """A workbook with 风险状态 but without 风险消除方式 (written before that column existed)."""
        codes = {column.code for column in self.data_columns}
        return "risk_status" in codes and "elimination_method" not in codes

    def fields(self) -> list[str]:
        extra = ["elimination_method"] if self._clears_method else []
        return [*super().fields(), *extra, "updated_at"]

    def assign(self, record: Household, values: dict) -> bool:
        changed = super().assign(record, values)
        # A method of elimination belongs to an eliminated risk only: a household whose risk the
        # workbook reopens (or ends monitoring of) loses the method it no longer has.
        if self._clears_method and record.elimination_method and record.risk_status != RiskStatus.ELIMINATED:
            record.elimination_method = ""
            changed = True
        return changed

    def process(self, batch: list[Row], *, validating: bool) -> Plan:
        if validating:
            batch = self._known_villages(batch)
        existing = {h.number: h for h in Household.objects.filter(number__in=[v["household_no"] for _, v in batch])}
        plan = Plan()
        now = timezone.now()
        for row, values in batch:
            number = values["household_no"]
            household = existing.get(number)
            if validating and household is not None and not self.context.in_scope(household.village_id):
                self.error(row, "household_no", number, msg.HOUSEHOLD_OUT_OF_SCOPE.format(value=number))
                continue
            plan.rows.append((row, values))
            self.context.households[number] = household.pk if household else None
            self.context.villages[number] = values["village_code"]
            if household is not None and county_code(household.village_id) != county_code(values["village_code"]):
                self.moved_county.append(household.pk)
            if household is None:
                if validating:
                    self.context.new_households.add(number)
                plan.create.append((row, values))
            elif self.assign(household, values):
                household.updated_at = now
                plan.update.append(household)
            else:
                plan.unchanged += 1
        return plan

    def _known_villages(self, batch: list[Row]) -> list[Row]:
        areas = self.context.areas
        unknown = {v["village_code"] for _, v in batch} - set(areas)
        for code in Area.objects.filter(code__in=unknown, level=AreaLevel.VILLAGE).values_list("code", flat=True):
            areas[code] = AreaLevel.VILLAGE
        kept = []
        for row, values in batch:
            code = values["village_code"]
            if areas.get(code) == AreaLevel.VILLAGE:
                kept.append((row, values))
            elif code not in self.context.area_rows:  # an invalid 区划 row is reported already
                self.error(row, "village_code", code, msg.VILLAGE_UNKNOWN.format(value=code))
        return kept

    def record(self, values: dict) -> dict:
        return {**super().record(values), "number": values["household_no"]}

    def write(self, plan: Plan) -> None:
        created = [self.record(values) for _, values in plan.create]
        bulk_create(Household, created)
        # COPY gives no keys back: they are fetched by number (unique), in one query per batch.
        numbers = [record["number"] for record in created]
        self.context.households.update(Household.objects.filter(number__in=numbers).values_list("number", "pk"))
        bulk_update(Household, plan.update, self.fields())
        move_rows_to_household_county(self.moved_county)


class ChildSheet(SheetHandler):
    """A sheet whose rows belong to a household named by 户编号."""

    def record(self, values: dict) -> dict:
        number = values["household_no"]
        return {**super().record(values), "household_id": self.context.households[number],
                "county": county_code(self.context.villages[number])}

    def resolve(self, batch: list[Row], *, validating: bool) -> list[Row]:
        """The rows whose household is in the workbook or registered in scope."""
        context = self.context
        if not validating:
            return batch
        wanted = {v["household_no"] for _, v in batch} - context.households.keys()
        wanted -= context.household_rows.keys() | context.foreign | context.missing
        found = dict(Household.objects.filter(number__in=wanted).values_list("number", "village_id"))
        context.villages.update(found)
        for number in wanted:
            if number not in found:
                context.missing.add(number)
            elif context.in_scope(found[number]):
                context.households[number] = None  # pk fetched below
            else:
                context.foreign.add(number)
        pks = Household.objects.filter(number__in=[n for n in found if n in context.households])
        context.households.update(pks.values_list("number", "pk"))
        kept = []
        for row, values in batch:
            number = values["household_no"]
            if number in context.households:
                kept.append((row, values))
            elif number in context.foreign:
                self.error(row, "household_no", number, msg.HOUSEHOLD_OUT_OF_SCOPE.format(value=number))
            elif number not in context.household_rows:  # else its own row is wrong, and reported
                self.error(row, "household_no", number, msg.HOUSEHOLD_MISSING.format(value=number))
        return kept

    def household_ids(self, batch: list[Row]) -> set[int]:
        households = self.context.households
        # A household this import registers has no stored rows: in the writing pass it has a key,
        # but looking its rows up would only ask the database again for nothing.
        numbers = {v["household_no"] for _, v in batch} - self.context.new_households
        return {households[number] for number in numbers} - {None}


MEMBER_NO_HEADER = MEMBERS.column("member_no").header


class MemberSheet(ChildSheet):
    """Members are matched on their 成员编号 when the row has one, else on (户编号, 证件号码).

    A 成员编号 (the system's member number, written by the export) names one member of
    the row's household; a number that belongs to another household, or to a member whose
    name and ID both differ from the row's, is an error. A household this import registers
    has no members yet: its rows are new members whatever number they carry.

    Rows without a number are matched on their ID within the household (by name when they
    have none), among the members no numbered row claims. An ID may appear more than once
    in a household, e.g. a member who moved out and came back: the first row with it goes
    with the first member holding it (by member number), the second with the second, and
    so on; extra rows are new members. A repeated ID is a warning, never an error.
    """

    spec = MEMBERS

    def __init__(self, context, columns):
        super().__init__(context, columns)
        # "户编号\x1fkey" → first row; "#成员编号" → its row (one string: half the memory of a tuple).
        self.first_rows: dict[str, int] = {}
        self.repeats: dict[str, int] = {}  # "户编号\x1fkey" → rows seen so far, for keys seen more than once
        self.numbered = any(column.identifier for column in columns)
        # Kept by process() in both passes alike (the same batches in the same order):
        self.claimed: set[int] = set()   # members named by a 成员编号 row
        self.matched: set[int] = set()   # members matched on their key (only when numbers may follow)

    @staticmethod
    def key(values: dict) -> str:
        """证件号码 within the household; a member without one is known by name."""
        return values.get("id_number") or "\x00" + values["name"]

    def check(self, row: int, values: dict) -> bool:
        household = values["household_no"]
        number = values.get("member_no")
        if number is not None:
            first = self.first_rows.setdefault(f"#{number}", row)
            if first != row:
                self.error(row, "member_no", number, msg.DUPLICATE_MEMBER_NO.format(value=number, first=first))
                return False
            return True
        key = f"{household}\x1f{self.key(values)}"
        first = self.first_rows.setdefault(key, row)
        if first == row:
            return True
        if not values.get("id_number"):
            message = msg.DUPLICATE_MEMBER_WITHOUT_ID.format(household=household, value=values["name"], first=first)
            self.error(row, "name", values["name"], message)
            return False
        nth = self.repeats.get(key, 1)
        self.repeats[key] = nth + 1
        values["_nth"] = nth  # spooled with the row: the writing pass matches it the same way
        self.context.report.warn(self.spec.name, row, self.spec.column("id_number").header, values["id_number"],
                                 msg.REPEATED_MEMBER_ID.format(household=household, value=values["id_number"],
                                                               first=first))
        return True

    def fields(self) -> list[str]:
        return [*super().fields(), "id_valid"]

    def process(self, batch: list[Row], *, validating: bool) -> Plan:
        batch = self.resolve(batch, validating=validating)
        households = self.context.households
        by_key: dict[tuple, list[Member]] = {}
        for member in Member.objects.filter(household_id__in=self.household_ids(batch)).order_by("pk"):
            by_key.setdefault((member.household_id, member.id_number or "\x00" + member.name), []).append(member)
        # First the rows that name their member, so that the others are matched among the rest.
        named = self._named(batch, validating=validating)
        plan = Plan()
        for row, values in batch:
            if row in named:
                member = named[row]
                if member is False:
                    continue  # refused, and reported
            elif values["household_no"] in self.context.new_households:
                member = None  # registered by this import: every row of it is a new member, in both passes
            else:
                household_id = households[values["household_no"]]
                candidates = [m for m in by_key.get((household_id, self.key(values)), ()) if m.pk not in self.claimed]
                nth = values.get("_nth", 0)
                member = candidates[nth] if nth < len(candidates) else None
                if member is not None and self.numbered:
                    self.matched.add(member.pk)
            plan.rows.append((row, values))
            if member is None:
                plan.create.append((row, values))
            elif self.assign(member, values):
                member.refresh_derived()
                plan.update.append(member)
            else:
                plan.unchanged += 1
        return plan

    def _named(self, batch: list[Row], *, validating: bool) -> dict[int, "Member | None | bool"]:
        """Row → the member its 成员编号 names (None: a new member; False: refused)."""
        numbered = [(row, values) for row, values in batch if values.get("member_no") is not None]
        if not numbered:
            return {}
        new_households = self.context.new_households
        # A household this import registers has no members yet: its numbers are never looked up.
        wanted = {values["member_no"] for _, values in numbered if values["household_no"] not in new_households}
        found = Member.objects.in_bulk(wanted) if wanted else {}
        named: dict[int, Member | None | bool] = {}
        for row, values in numbered:
            number, household = values["member_no"], values["household_no"]
            if household in self.context.new_households:
                if validating:
                    self.context.report.warn(self.spec.name, row, MEMBER_NO_HEADER, number,
                                             msg.MEMBER_NO_IGNORED)
                named[row] = None
                continue
            member = found.get(number)
            problem = None
            if member is None or member.household_id != self.context.households[household]:
                problem = msg.MEMBER_NO_NOT_IN_HOUSEHOLD.format(value=number, household=household)
            elif member.name != values["name"] and member.id_number != values.get("id_number"):
                problem = msg.MEMBER_NO_MISMATCH.format(value=number, household=household, name=member.name)
            elif member.pk in self.matched:
                problem = msg.MEMBER_NO_TAKEN.format(value=number)
            if problem:
                if validating:
                    self.error(row, "member_no", number, problem)
                named[row] = False
                continue
            self.claimed.add(member.pk)
            named[row] = member
        return named

    def record(self, values: dict) -> dict:
        record = super().record(values)
        # What Member.refresh_derived() does in save(), which bulk inserts skip.
        record["id_number"] = id_numbers.normalise(record.get("id_number", ""))
        record["id_valid"] = id_numbers.is_valid(record["id_number"])
        return record


class IncomeSheet(ChildSheet):
    spec = INCOMES

    def __init__(self, context, columns):
        super().__init__(context, columns)
        self.first_rows: dict[str, int] = {}  # "户编号 year" → first row

    def check(self, row: int, values: dict) -> bool:
        household, year = values["household_no"], values["year"]
        first = self.first_rows.setdefault(f"{household}\x1f{year}", row)
        if first != row:
            self.error(row, "year", year, msg.DUPLICATE_INCOME.format(household=household, value=year, first=first))
            return False
        return True

    def process(self, batch: list[Row], *, validating: bool) -> Plan:
        batch = self.resolve(batch, validating=validating)
        incomes = AnnualIncome.objects.filter(
            household_id__in=self.household_ids(batch), year__in={v["year"] for _, v in batch}
        )
        existing = {(income.household_id, income.year): income for income in incomes}
        plan = Plan(rows=batch)
        for row, values in batch:
            income = existing.get((self.context.households[values["household_no"]], values["year"]))
            if income is None:
                plan.create.append((row, values))
            elif self.assign(income, values):
                plan.update.append(income)
            else:
                plan.unchanged += 1
        return plan


class MeasureSheet(ChildSheet):
    """Measures have no key: a row is unchanged when the household already has one just like it.

    Counted as multisets, so two identical measures in the workbook need two in the database.
    """

    spec = MEASURES

    def __init__(self, context, columns):
        super().__init__(context, columns)
        self.key_fields = [c.field for c in self.data_columns]
        self.tally: dict[tuple, list[int]] = {}  # key → [how many the database had, how many rows seen]

    def process(self, batch: list[Row], *, validating: bool) -> Plan:
        batch = self.resolve(batch, validating=validating)
        households = self.context.households
        keys = [(households[v["household_no"]], *(v[c.code] for c in self.data_columns)) for _, v in batch]
        new_ids = {key[0] for key in keys if key not in self.tally} & self.household_ids(batch)
        stored = Counter(
            AssistanceMeasure.objects.filter(household_id__in=new_ids)
            .values_list("household_id", *self.key_fields).order_by()
        )
        plan = Plan(rows=batch)
        for (row, values), key in zip(batch, keys, strict=True):
            had, seen = self.tally.get(key) or (stored.get(key, 0) if key[0] else 0, 0)
            self.tally[key] = [had, seen + 1]
            if seen < had:
                plan.unchanged += 1
            else:
                plan.create.append((row, values))
        return plan


HANDLERS: dict[str, type[SheetHandler]] = {
    handler.spec.name: handler
    for handler in (AreaSheet, HouseholdSheet, MemberSheet, IncomeSheet, MeasureSheet)
}
