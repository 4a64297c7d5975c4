from typing import Optional

class Error(ValueError):
    code: str
    row: Optional[int]
    column: Optional[str]
    item: Optional[str]
    value: Optional[str]
    option: Optional[str]
    rule: Optional[str]
    source: Optional[str]
    line: Optional[int]
    def __init__(self, message: str, code: str = ..., row: Optional[int] = ..., column: Optional[str] = ...,
                 item: Optional[str] = ..., value: Optional[str] = ..., option: Optional[str] = ...,
                 rule: Optional[str] = ..., source: Optional[str] = ..., line: Optional[int] = ...) -> None: ...
