from django.apps import AppConfig

from households.changes.panels import register_review_panel


class RulesConfig(AppConfig):
    name = "rules"
    verbose_name = "数据清洗规则"

    def ready(self):
        # Django's idiom: modules that declare (the catalog's rules) or connect (the receivers)
        # when imported are imported once the apps are ready.
        from rules import catalog, receivers  # noqa: F401
        from rules.colours import register_list_colours
        from rules.registry import register_facts

        register_facts()
        from audits.rule_facts import register_related
        from rules.catalog.contacts import phone_sharers

        register_related("P01", phone_sharers)  # the ticket page names the other households in scope
        # The reviewer of a change request sees which tickets approving it would resolve or raise.
        register_review_panel("rules/_change_ticket_preview_panel.html")
        # 三色码: a column, filters and a badge on the household lists and the household page.
        register_list_colours()
