"""The audit trail's county and success columns, filled for the rows already there, then
PostgreSQL's own guard: no UPDATE, no DELETE (but the purge's, of rows older than 184 days).

The fill runs before the triggers exist. Best effort for old rows: the county of the actor's
area, else of a user of that username (failed logins), else of the household; failures are
the failed logins and lock-outs, and refused steps (their detail holds "refused")."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Left


def fill_county_and_success(apps, schema_editor):
    events = apps.get_model("trail", "AuditEvent")._default_manager
    users = apps.get_model("accounts", "User")._default_manager
    households = apps.get_model("households", "Household")._default_manager
    events.filter(action__in=["login_failed", "locked_out"]).update(success=False)
    events.filter(detail__has_key="refused").update(success=False)

    def county_of(rows, column):
        """The first six digits of `column` of the first of `rows`; "" when there is none."""
        return Coalesce(Left(Subquery(rows.values(column)[:1]), 6), models.Value(""))

    events.filter(county="", actor__area__isnull=False).update(
        county=county_of(users.filter(pk=OuterRef("actor_id")), "area_id"))
    events.filter(county="", actor__isnull=True).exclude(username="").update(
        county=county_of(users.filter(username=OuterRef("username"), area__isnull=False), "area_id"))
    events.filter(county="").exclude(household_number="").update(
        county=county_of(households.filter(number=OuterRef("household_number")), "village_id"))


class Migration(migrations.Migration):

    dependencies = [
        ('trail', '0004_audit_actions_security'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('households', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='county',
            field=models.CharField(blank=True, max_length=6, verbose_name='县级区划代码'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='success',
            field=models.BooleanField(default=True, verbose_name='成功'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['county', '-at'], name='auditevent_county_at'),
        ),
        migrations.RunPython(fill_county_and_success, migrations.RunPython.noop),
        pgtrigger.migrations.AddTrigger(
            model_name='auditevent',
            trigger=pgtrigger.compiler.Trigger(name='protect_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (((OLD."action" IS DISTINCT FROM (NEW."action") OR OLD."at" IS DISTINCT FROM (NEW."at") OR OLD."county" IS DISTINCT FROM (NEW."county") OR OLD."detail" IS DISTINCT FROM (NEW."detail") OR OLD."household_number" IS DISTINCT FROM (NEW."household_number") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."ip_address" IS DISTINCT FROM (NEW."ip_address") OR OLD."subject" IS DISTINCT FROM (NEW."subject") OR OLD."success" IS DISTINCT FROM (NEW."success") OR OLD."username" IS DISTINCT FROM (NEW."username"))) OR NEW."actor_id" IS NOT NULL)', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='8d6939d02c900a7c557c5cbb59ea305b02a187ff', operation='UPDATE', pgid='pgtrigger_protect_update_291a4', table='trail_auditevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditevent',
            trigger=pgtrigger.compiler.Trigger(name='protect_recent', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."at" > now() - interval \'184 days\')', func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='8039423a44ba2346ae6015760b1d062a9a790cf5', operation='DELETE', pgid='pgtrigger_protect_recent_750c0', table='trail_auditevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='auditevent',
            trigger=pgtrigger.compiler.Trigger(name='protect_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='eb16d290c567d34d9c6867b4c79214d93edbb13f', operation='DELETE', pgid='pgtrigger_protect_delete_74b91', table='trail_auditevent', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='settingchange',
            trigger=pgtrigger.compiler.Trigger(name='protect_update', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (((OLD."at" IS DISTINCT FROM (NEW."at") OR OLD."county" IS DISTINCT FROM (NEW."county") OR OLD."field" IS DISTINCT FROM (NEW."field") OR OLD."id" IS DISTINCT FROM (NEW."id") OR OLD."new_value" IS DISTINCT FROM (NEW."new_value") OR OLD."old_value" IS DISTINCT FROM (NEW."old_value") OR OLD."subject" IS DISTINCT FROM (NEW."subject"))) OR NEW."user_id" IS NOT NULL)', func="RAISE EXCEPTION 'pgtrigger: Cannot update rows from % table', TG_TABLE_NAME;", hash='0285efd43c36a8aa78c2baa9fc602a8d25363141', operation='UPDATE', pgid='pgtrigger_protect_update_c6343', table='trail_settingchange', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='settingchange',
            trigger=pgtrigger.compiler.Trigger(name='protect_recent', sql=pgtrigger.compiler.UpsertTriggerSql(condition='WHEN (OLD."at" > now() - interval \'184 days\')', func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='db9100635855cd88b867f0d1c97d89fccdf51319', operation='DELETE', pgid='pgtrigger_protect_recent_75074', table='trail_settingchange', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='settingchange',
            trigger=pgtrigger.compiler.Trigger(name='protect_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='ab635b42f5e8f1af8c798a2206acc099a6a3f3a1', operation='DELETE', pgid='pgtrigger_protect_delete_3db6c', table='trail_settingchange', when='BEFORE')),
        ),
    ]
