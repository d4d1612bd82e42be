"""Many calls of PySide6 methods that return nothing, in one process: 6.12.0 on 3.11 aborts."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit


def test_ten_thousand_void_calls_survive(qtbot) -> None:
    # PySide6 6.12.0 on Python 3.11 drops a reference to None on each such call and the
    # process aborts ("none_dealloc") after a few thousand: pyproject pins <6.12 there.
    label, field, combo = QLabel(), QLineEdit(), QComboBox()
    for widget in (label, field, combo):
        qtbot.addWidget(widget)
    for i in range(2_500):
        label.setText(str(i))
        field.setText(str(i))
        combo.addItem(str(i))
        combo.setCurrentIndex(i)
    assert label.text() == "2499"
    assert field.text() == "2499"
    assert combo.count() == 2_500
