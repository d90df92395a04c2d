"""Template filters."""

from __future__ import annotations

from markupsafe import Markup

from crm.formatting import email_breaks, mailto


def test_email_breaks_after_the_at_and_each_dot():
    assert email_breaks("jo.bloggs@police.example.org") == "jo.<wbr>bloggs@<wbr>police.<wbr>example.<wbr>org"


def test_email_breaks_is_markup_with_the_address_escaped():
    shown = email_breaks('<b>"o\'neil"&co</b>@example.org')
    assert isinstance(shown, Markup)
    assert shown == "&lt;b&gt;&#34;o&#39;neil&#34;&amp;co&lt;/b&gt;@<wbr>example.<wbr>org"


def test_email_breaks_leaves_a_word_without_separators_whole():
    assert email_breaks("nobody") == "nobody"
    assert email_breaks("") == ""
    assert email_breaks(None) == ""


def test_email_breaks_in_a_template_is_not_escaped_twice(app):
    with app.app_context():
        rendered = app.jinja_env.from_string("{{ address | email_breaks }}").render(address="a&b@x.org")
    assert rendered == "a&amp;b@<wbr>x.<wbr>org"


def test_mailto_keeps_the_address_to_one_recipient():
    assert mailto("jo@example.org?cc=evil@example.org") == "mailto:jo@example.org%3Fcc%3Devil@example.org"
