"""The side menu's `<li>`s (accounts.context_processors builds them in Python): the loop base.html had."""

import pytest
from django.template import engines
from django.urls import reverse

pytestmark = pytest.mark.django_db

# base.html's loop over nav_items before the menu was built in Python: the reference.
TEMPLATE_LOOP = """{% for item in nav_items %}
        <li class="nav-item">
          <a class="nav-link{% if item.active %} active{% endif %}" href="{{ item.url }}"{% if item.active %} aria-current="page"{% endif %}>
            <i class="bi {{ item.icon }}" aria-hidden="true"></i> {{ item.label }}
          </a>
        </li>
        {% endfor %}"""


@pytest.mark.parametrize("persona", ["clerk", "reviewer", "county_staff", "inspector"])
@pytest.mark.parametrize("page", ["home", "household_list", "household_map", "income_outliers", "password_change"])
def test_the_menu_is_the_template_loops_own(client, world, persona, page):
    client.force_login(getattr(world, persona))
    for _ in range(2):  # built, then kept
        context = client.get(reverse(page)).context
        if context is None or "nav_items" not in context:
            continue  # a page this role may not open
        expected = engines["django"].from_string(TEMPLATE_LOOP).render({"nav_items": context["nav_items"]})
        assert context["nav_menu"] == expected
        assert ('<a class="nav-link active"' in expected) == any(item["active"] for item in context["nav_items"])


def test_the_page_shows_the_menu_with_the_current_entry_marked(client, world):
    client.force_login(world.county_staff)
    page = client.get(reverse("household_list")).content.decode()
    assert (f'<a class="nav-link active" href="{reverse("household_list")}" aria-current="page">\n'
            '            <i class="bi bi-people" aria-hidden="true"></i> 农户信息\n') in page
    assert f'<a class="nav-link" href="{reverse("household_map")}">' in page
