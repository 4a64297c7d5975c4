"""attune.Error: what the library reports when the input breaks a rule."""

from typing import Optional


class Error(ValueError):
    """An error of the attune library: bad data, a bad option, too few respondents...

    The message names where and what (the data row, the column, the value and the rule, or the
    option and its value), in the library's words: an options field is named as its C++ field
    (``scoring_options.min_answered``), which is also the keyword argument's name.

    Attributes (``None`` where not known):
        code: the kind of failure: ``invalid_argument``, ``bad_input``, ``io_error``,
            ``insufficient_data``, ``numerical_issue``, ``no_convergence``, ``out_of_memory``,
            ``internal_error``.
        row: the 1-based data row (row 1 is the array's first row).
        column: the data column's name.
        item: the item id.
        value: the offending value, as text.
        option: the option at fault.
        rule: a stable id of the rule broken (the rule ids of include/attune/core/error.hpp), e.g. ``out_of_range``.
        source: the input's name (``data``, ``options``, ``instrument JSON``).
        line: the line of an input text.
    """

    def __init__(self, message: str, code: str = "internal_error", row: Optional[int] = None,
                 column: Optional[str] = None, item: Optional[str] = None, value: Optional[str] = None,
                 option: Optional[str] = None, rule: Optional[str] = None, source: Optional[str] = None,
                 line: Optional[int] = None) -> None:
        super().__init__(message)
        self.code = code
        self.row = row
        self.column = column
        self.item = item
        self.value = value
        self.option = option
        self.rule = rule
        self.source = source
        self.line = line
