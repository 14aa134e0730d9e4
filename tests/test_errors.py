"""User errors are one line and show without a traceback in the report's kernel."""

import pytest

from genmodels.errors import CacheWarning, UserError


def test_user_error_is_one_line():
    with pytest.raises(ValueError, match="must be one line"):
        UserError("two\nlines")
    assert str(UserError("x is broken: run `fix x`.")) == "x is broken: run `fix x`."


def test_ipython_shows_the_message_alone():
    assert UserError("broken: run `fix`.")._render_traceback_() == ["UserError: broken: run `fix`."]


def test_cache_warning_is_a_user_warning():
    assert issubclass(CacheWarning, UserWarning)
