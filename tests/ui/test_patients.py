"""The patient registry screen and its windowed model, on a real 300-patient demo workspace."""

from __future__ import annotations

import json
import threading

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem

from carecoord_desktop.services import accounts, demo, settings
from carecoord_desktop.services.patients import register as registry
from carecoord_desktop.services.patients.register import PatientFilter
from carecoord_desktop.ui.patients.list_model import (
    COLUMNS,
    CONDITIONS,
    COORDINATOR,
    DOB,
    MEDICARE,
    NAME,
    PLAN,
    PRACTICE_ID,
    PatientListModel,
)
from carecoord_desktop.ui.patients.list_view import KeepCountDelegate, list_messages
from carecoord_desktop.ui.patients.screen import PatientsScreen, SearchResult
from carecoord_desktop.ui.shell.state import AppState
from tests_support import TEST_SCRYPT_N

PATIENTS = 300


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    made = demo.create_demo_workspace(
        tmp_path_factory.mktemp("patients") / "ws",
        patients=PATIENTS,
        seed=3,
        scrypt_n=TEST_SCRYPT_N,
    )
    yield made.workspace
    QThreadPool.globalInstance().waitForDone()
    made.workspace.close()


@pytest.fixture
def state(demo_ws):
    actor = accounts.authenticate(demo_ws, "admin", demo.DEMO_PASSWORD)
    return AppState(demo_ws, actor, settings.load(demo_ws))


@pytest.fixture
def screen(qtbot, state):
    widget = PatientsScreen(state)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.loaded and not widget.searching, timeout=5000)
    # The filter choices load after the first paint.
    qtbot.waitUntil(lambda: widget.condition.count() > 1, timeout=5000)
    yield widget
    QThreadPool.globalInstance().waitForDone()


def _settle(qtbot, screen, **expected):
    """Wait until the newest search has been applied with the expected filter values."""

    def applied():
        flt = screen.model.filter
        assert not screen.searching
        for name, value in expected.items():
            assert getattr(flt, name) == value

    qtbot.waitUntil(applied, timeout=5000)


def _names(model, limit=None):
    rows = range(model.rowCount() if limit is None else min(limit, model.rowCount()))
    return [model.row_data(r).display_name for r in rows]


def test_lists_every_patient_with_a_count(screen, state):
    total = registry.count_all(state.ws, state.actor)
    assert total == PATIENTS
    assert screen.model.rowCount() == total
    assert screen.count.text() == f"{total} patients"
    assert screen.results.currentWidget() is screen.view
    assert screen.model.data(screen.model.index(0, NAME))


def test_typing_narrows_then_clearing_restores(qtbot, screen):
    model = screen.model
    family = model.row_data(7).display_name.replace(",", " ").split()[0]
    prefix = family[:3]
    qtbot.keyClicks(screen.search, prefix)
    _settle(qtbot, screen, text=prefix)
    assert 0 < model.rowCount() < PATIENTS
    assert all(prefix.lower() in name.lower() for name in _names(model))
    assert screen.count.text() == f"{model.rowCount()} of {PATIENTS} patients"

    screen.search.clear()
    _settle(qtbot, screen, text="")
    assert model.rowCount() == PATIENTS
    assert screen.count.text() == f"{PATIENTS} patients"


def test_no_match_shows_an_empty_state_that_mentions_filters_only_when_set(qtbot, screen):
    qtbot.keyClicks(screen.search, "zzqxj")
    _settle(qtbot, screen, text="zzqxj")
    assert screen.model.rowCount() == 0
    assert screen.results.currentWidget() is screen.empty
    assert "No patient matches “zzqxj”" in screen.empty.text()
    assert "Check the spelling" in screen.empty.text()
    assert "filter" not in screen.empty.text()

    screen.risk.setCurrentIndex(screen.risk.findData("high"))
    _settle(qtbot, screen, text="zzqxj", risk_tier="high")
    assert "with these filters" in screen.empty.text()
    assert "clear the filters" in screen.empty.text()
    screen.clear_filters()
    _settle(qtbot, screen, text="", risk_tier=None)
    assert screen.results.currentWidget() is screen.view


def test_list_messages():
    count, empty = list_messages(PatientFilter(text="<b>x"), 0, 10, {})
    assert count == "0 of 10 patients" and "filter" not in empty and "“<b>x”" in empty
    _, empty = list_messages(PatientFilter(risk_tier="low"), 0, 10, {})
    assert empty == "No patient matches these filters — clear the filters."
    _, empty = list_messages(PatientFilter(text="x", include_archived=True), 0, 10, {})
    assert "with these filters" in empty
    _, empty = list_messages(PatientFilter(), 0, 0, {})
    assert empty.startswith("No patients yet")
    count, _ = list_messages(PatientFilter(text="smyth"), 3, 10, {"smyth": ["smith", "smithers"]})
    assert count == (
        "3 of 10 patients — no name starts with “smyth”; showing similar spellings: Smith, Smithers"
    )


def test_escape_clears_the_search_box(qtbot, screen):
    qtbot.keyClicks(screen.search, "zzqxj")
    _settle(qtbot, screen, text="zzqxj")
    qtbot.keyClick(screen.search, Qt.Key.Key_Escape)
    assert screen.search.text() == ""
    _settle(qtbot, screen, text="")
    assert screen.model.rowCount() == PATIENTS


def _swapped(word: str) -> str:
    return word[0] + word[2] + word[1] + word[3:]


def test_a_misspelt_name_shows_similar_spellings(qtbot, screen, state):
    families = sorted(
        {screen.model.row_data(r).display_name.split(",")[0].lower() for r in range(60)}
    )
    # The first family name whose swapped spelling is no name of the demo (there are many).
    family, typo = next(
        (f, _swapped(f))
        for f in families
        if len(f) >= 6
        and f
        in registry.query(state.ws, state.actor, PatientFilter(text=_swapped(f))).spelled_like.get(
            _swapped(f), []
        )
    )
    qtbot.keyClicks(screen.search, typo)
    _settle(qtbot, screen, text=typo)
    names = _names(screen.model)
    assert names and any(n.lower().startswith(family) for n in names)
    assert f"no name starts with “{typo}”" in screen.count.text()
    assert family.capitalize() in screen.count.text()


def test_filter_combos_narrow_the_list(qtbot, screen, state):
    model = screen.model
    code, _display, patients = registry.condition_options(state.ws, state.actor)[0]
    screen.condition.setCurrentIndex(screen.condition.findData(code))
    _settle(qtbot, screen, condition_code=code)
    assert model.rowCount() == patients < PATIENTS
    assert f"({patients})" in screen.condition.currentText()
    screen.clear_filters()

    screen.risk.setCurrentIndex(screen.risk.findData("high"))
    _settle(qtbot, screen, risk_tier="high", condition_code=None)
    assert 0 < model.rowCount() < PATIENTS
    assert {model.row_data(r).risk_tier for r in range(model.rowCount())} == {"high"}
    assert screen.count.text() == f"{model.rowCount()} of {PATIENTS} patients"
    screen.clear_filters()

    screen.coordinator.setCurrentIndex(screen.coordinator.findText("No coordinator"))
    _settle(qtbot, screen, no_coordinator=True, risk_tier=None)
    assert 0 < model.rowCount() < PATIENTS
    assert all(model.row_data(r).coordinator_name is None for r in range(model.rowCount()))

    coordinator_id, name = registry.coordinator_options(state.ws, state.actor)[0]
    screen.coordinator.setCurrentIndex(screen.coordinator.findData(coordinator_id))
    _settle(qtbot, screen, coordinator_id=coordinator_id, no_coordinator=False)
    assert 0 < model.rowCount() < PATIENTS
    assert {model.row_data(r).coordinator_name for r in range(model.rowCount())} == {name}


def test_clicking_headers_sorts_in_sql(qtbot, screen):
    model, header = screen.model, screen.view.horizontalHeader()

    def click(column):
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 10))
        qtbot.waitUntil(lambda: not model.querying)  # the new order is queried on a worker

    click(DOB)
    assert model.sort_key == "dob"
    births = [model.row_data(r).date_of_birth for r in range(20)]
    assert births == sorted(births)
    click(DOB)
    assert model.descending
    births = [model.row_data(r).date_of_birth for r in range(20)]
    assert births == sorted(births, reverse=True)
    assert model.rowCount() == PATIENTS

    click(MEDICARE)  # not sortable: order and arrow stay where they were
    assert (model.sort_key, model.descending) == ("dob", True)
    assert header.sortIndicatorSection() == DOB

    click(NAME)
    assert model.sort_key == "name"
    ids = registry.query_ids(screen.state.ws, screen.state.actor, PatientFilter(), sort="name")
    assert model.ids == ids  # the order SQL gave
    families = [model.row_data(r).display_name.split(",")[0].casefold() for r in range(20)]
    assert families == sorted(families)


def test_sorting_keeps_the_selected_patient_selected(qtbot, screen):
    screen.view.selectRow(5)
    chosen = screen.model.patient_id(5)
    screen.model.sort(DOB, Qt.SortOrder.DescendingOrder)
    selected = screen.view.selectionModel().selectedRows()
    assert [screen.model.patient_id(i.row()) for i in selected] == [chosen]


def test_model_passes_qt_model_tester(qtbot, qtmodeltester, state):
    model = PatientListModel(state)
    with qtbot.waitSignal(model.query_finished):
        model.refresh()
    assert model.rowCount() == PATIENTS
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(len(COLUMNS))][:2] == [
        "Name",
        "DOB (age)",
    ]
    qtmodeltester.check(model)
    qtbot.waitUntil(lambda: not model.fetching)  # the blocks the tester's reads asked for


def test_scrolling_to_the_end_fetches_blocks_and_the_cache_is_bounded(qtbot, screen):
    model, view = screen.model, screen.view
    qtbot.waitUntil(lambda: not model.fetching)
    assert model.cached_blocks <= 1, "only the visible block is fetched at first"
    view.scrollToBottom()
    last = model.rowCount() - 1
    qtbot.waitUntil(lambda: model.is_loaded(last))  # fetched on a worker for the paint
    name = model.data(model.index(last, NAME))
    assert isinstance(name, str) and name and name != "Loading…"
    assert model.cached_blocks == 2

    model.MAX_BLOCKS = 1
    model.set_ids(model.ids)  # same rows, empty cache
    qtbot.waitUntil(lambda: model.is_loaded(last))  # the rows in view come back
    with qtbot.waitSignal(model.block_loaded, check_params_cb=lambda number: number == 0):
        model.data(model.index(0, NAME))
    assert model.cached_blocks == 1 and model.is_loaded(0) and not model.is_loaded(last)


def test_a_stale_search_result_does_not_overwrite_a_newer_one(qtbot, screen):
    model = screen.model
    qtbot.keyClicks(screen.search, "zzqxj")
    _settle(qtbot, screen, text="zzqxj")
    assert model.rowCount() == 0
    newest = screen.generation
    old = SearchResult(newest - 1, registry.PatientFilter(), "name", False, list(range(1, 50)))
    screen.apply_result(old)
    assert model.rowCount() == 0
    assert model.filter.text == "zzqxj"


def test_enter_on_a_row_opens_the_record_and_the_risk_summary_explains(qtbot, screen, state):
    screen.search.setFocus()
    qtbot.keyClick(screen.search, Qt.Key.Key_Down)
    assert screen.view.hasFocus()
    assert screen.view.currentIndex().row() == 0
    qtbot.keyClick(screen.view, Qt.Key.Key_Down)
    qtbot.keyClick(screen.view, Qt.Key.Key_Return)
    patient_id = screen.model.patient_id(1)
    window = screen.opener.window_for(patient_id)
    qtbot.addWidget(window)
    assert window.isVisible()
    assert screen.model.row_data(1).display_name in window.windowTitle()
    window.close()

    screen.show_risk(screen.model.index(1, 0))
    assert screen.panel.isVisible() and screen.panel.patient_id == patient_id
    explained = registry.risk_explanation(state.ws, state.actor, patient_id)
    assert explained.tier.capitalize() in screen.panel.tier.text()
    assert explained.summary in screen.panel.tier.text()
    for factor in explained.factors:
        assert _html(factor.label) in screen.panel.reasons.text()
        assert f"+{factor.points}" in screen.panel.reasons.text()
    for reason in explained.not_counted:
        assert _html(reason) in screen.panel.not_counted.text()
    assert "score =" not in screen.panel.reasons.text()
    screen.panel.open_button.click()
    assert screen.opener.window_for(patient_id).isVisible()
    screen.opener.window_for(patient_id).close()

    # How the score is computed is one click away, with its source.
    screen.panel.how_button.click()
    dialog = screen.panel.rule_dialog
    qtbot.waitUntil(dialog.isVisible)
    assert "Charlson" in dialog.text.toPlainText() and "1987" in dialog.text.toPlainText()
    dialog.close()


def _html(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;")
    )


def test_needs_attention_orders_by_risk_score(qtbot, screen, state):
    screen.attention_button.setChecked(True)
    assert screen.model.sort_key == "attention"
    qtbot.waitUntil(lambda: not screen.model.querying)
    ids = registry.query_ids(state.ws, state.actor, registry.PatientFilter(), sort="attention")
    assert [screen.model.patient_id(i) for i in range(10)] == ids[:10]
    scores = [screen.model.row_data(i).risk_score for i in range(20)]
    assert scores == sorted(scores, reverse=True)
    screen.attention_button.setChecked(False)
    assert screen.model.sort_key == "name"
    qtbot.waitUntil(lambda: not screen.model.querying)


def test_reception_cannot_export_but_can_add_patients(qtbot, state):
    from carecoord_desktop.models.staff import Role
    from carecoord_desktop.services import accounts
    from carecoord_desktop.ui.patients.screen import PatientsScreen

    accounts.add_user(
        state.ws,
        state.actor,
        username="front.desk",
        full_name="Jo Baker",
        role=Role.RECEPTION,
        password="reception pass 1",
        must_change_password=False,
    )
    state.set_actor(accounts.authenticate(state.ws, "front.desk", "reception pass 1"))
    screen = PatientsScreen(state)
    qtbot.addWidget(screen)
    assert not screen.export_button.isEnabled()
    assert "cannot export" in screen.export_button.toolTip()
    assert screen.new_button.isEnabled() and screen.import_button.isEnabled()
    qtbot.waitUntil(lambda: not screen.searching, timeout=10_000)


def test_a_replaced_workspace_refreshes_the_list(qtbot, screen, state):
    qtbot.keyClicks(screen.search, "zzqxj")
    _settle(qtbot, screen, text="zzqxj")
    screen.search.clear()
    screen.debounce.stop()
    state.replace_workspace(state.ws)
    _settle(qtbot, screen, text="")
    assert screen.model.rowCount() == PATIENTS


def test_a_slow_older_search_never_replaces_the_newer_one(qtbot, screen, monkeypatch):
    real = registry.query
    release = threading.Event()
    answered: list[str] = []

    def held_for_a(ws, actor, flt, **kw):
        if flt.text == "a":
            release.wait(10)  # held until the newer search has been asked for
        found = real(ws, actor, flt, **kw)
        answered.append(flt.text)
        return found

    monkeypatch.setattr(registry, "query", held_for_a)
    screen.search.setText("a")
    screen.start_search()
    assert screen.searching
    screen.search.setText("zzqxj")
    screen.start_search()
    release.set()
    _settle(qtbot, screen, text="zzqxj")
    QThreadPool.globalInstance().waitForDone()
    QApplication.processEvents()  # deliver any queued answer of the older search
    assert answered == ["a", "zzqxj"]
    assert screen.model.filter.text == "zzqxj"
    assert screen.model.rowCount() == 0


def test_discharged_combo_keeps_recent_discharges_only(qtbot, screen, tmp_path):
    from datetime import date, timedelta

    model = screen.model
    assert screen.discharged.itemText(0) == "Discharged: any time"
    assert [screen.discharged.itemData(i) for i in range(screen.discharged.count())] == [
        None,
        7,
        14,
        30,
    ]
    screen.discharged.setCurrentIndex(screen.discharged.findData(30))
    _settle(qtbot, screen, recently_discharged_days=30)
    shown = model.rowCount()
    assert 0 < shown < PATIENTS  # the demo seeds admissions with discharge dates
    cutoff = date.today() - timedelta(days=30)
    for r in range(shown):
        assert model.row_data(r).last_discharge >= cutoff
    assert screen.count.text() == f"{shown} of {PATIENTS} patients"
    assert screen.clear_button.isEnabled()
    screen.grab().save(str(tmp_path / "discharged.png"))
    screen.clear_filters()
    _settle(qtbot, screen, recently_discharged_days=None)
    assert screen.discharged.currentIndex() == 0 and model.rowCount() == PATIENTS


def test_care_plan_combo_lists_overdue_reviews_and_patients_without_a_plan(qtbot, screen):
    from datetime import date

    from PySide6.QtCore import Qt as _Qt

    from carecoord_desktop.ui.patients.list_model import NEXT_REVIEW

    model = screen.model
    screen.care_plan.setCurrentIndex(screen.care_plan.findData("review_overdue"))
    _settle(qtbot, screen, care_plan="review_overdue")
    shown = model.rowCount()
    assert 0 < shown < PATIENTS  # the demo seeds overdue reviews
    for r in range(shown):
        qtbot.waitUntil(lambda r=r: model.is_loaded(r))
        row = model.row_data(r)
        assert row.next_review < date.today() and row.open_plan in ("active", "under_review")
        index = model.index(r, NEXT_REVIEW)
        assert index.data(_Qt.ItemDataRole.BackgroundRole) is not None  # marked red
        assert "overdue" in index.data(_Qt.ItemDataRole.ToolTipRole)
    assert screen.clear_button.isEnabled()
    screen.care_plan.setCurrentIndex(screen.care_plan.findData("none"))
    _settle(qtbot, screen, care_plan="none")
    assert 0 < model.rowCount() < PATIENTS
    qtbot.waitUntil(lambda: model.is_loaded(0))
    assert model.row_data(0).open_plan is None
    assert model.index(0, NEXT_REVIEW).data() == "—"
    screen.clear_filters()
    _settle(qtbot, screen, care_plan=None)
    assert model.rowCount() == PATIENTS


def test_a_plan_started_elsewhere_leaves_the_no_care_plan_list(qtbot, screen, state):
    from carecoord_desktop.services.careplans import templates

    model = screen.model
    screen.care_plan.setCurrentIndex(screen.care_plan.findData("none"))
    _settle(qtbot, screen, care_plan="none")
    before = model.rowCount()
    patient_id = model.patient_id(0)
    state.publish(templates.start_plan_from_templates(state.ws, state.actor, patient_id, []))
    qtbot.waitUntil(lambda: model.rowCount() == before - 1 and not screen.searching)
    assert patient_id not in model.ids


def test_saved_filters_round_trip_without_the_search_text(qtbot, screen, state):
    code = screen.condition.itemData(1)
    screen.condition.setCurrentIndex(1)
    screen.risk.setCurrentIndex(screen.risk.findData("high"))
    qtbot.keyClicks(screen.search, "smi")
    _settle(qtbot, screen, condition_code=code, risk_tier="high", text="smi")
    assert screen.saved_filters.save_current("High risk, first condition") is not None
    screen.clear_filters()
    _settle(qtbot, screen, condition_code=None, risk_tier=None, text="")

    sets = screen.saved_filters.store.all()
    assert sets["High risk, first condition"]["condition"] == code
    assert "smi" not in json.dumps(sets), "a search can be a name: never written to the ini"
    screen.apply_filter_choices(sets["High risk, first condition"])
    _settle(qtbot, screen, condition_code=code, risk_tier="high")
    rows = screen.model.rowCount()
    assert 0 < rows < PATIENTS
    screen.saved_filters.store.delete("High risk, first condition")
    assert screen.saved_filters.store.all() == {}


def test_first_page_paints_at_once_and_the_rest_appends_without_a_reset(qtbot, state):
    from carecoord_desktop.ui.patients.screen import FIRST_PAGE, PatientsScreen

    screen = PatientsScreen(state)  # the first page is queried before the worker starts
    qtbot.addWidget(screen)
    assert screen.model.rowCount() == FIRST_PAGE and screen.model.partial
    assert screen.count.text() == "Loading the register…"
    screen.view.selectRow(5)
    chosen = screen.model.patient_id(5)
    resets = []
    screen.model.modelReset.connect(lambda: resets.append(1))
    qtbot.waitUntil(lambda: not screen.model.partial, timeout=10_000)
    assert screen.model.rowCount() == PATIENTS
    assert resets == [], "the rest is appended, so scroll position and selection stay"
    assert screen.model.patient_id(screen.view.currentIndex().row()) == chosen
    assert screen.count.text() == f"{PATIENTS} patients"
    everyone = registry.query_ids(state.ws, state.actor, registry.PatientFilter())
    assert screen.model.ids == everyone
    QThreadPool.globalInstance().waitForDone()


def test_at_the_default_window_size_every_column_fits_without_sideways_scrolling(qtbot, state):
    from carecoord_desktop.ui.resources import stylesheet
    from carecoord_desktop.ui.shell.main_window import MainWindow

    QApplication.instance().setStyleSheet(stylesheet())
    window = MainWindow(state)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    screen = window.screen_widget("patients")
    qtbot.waitUntil(lambda: not screen.searching and not screen.model.partial, timeout=10_000)
    qtbot.waitUntil(lambda: screen.coordinator.count() > 2, timeout=10_000)
    view, header = screen.view, screen.view.horizontalHeader()
    metrics = view.fontMetrics()
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0)
    # At 1280 the care plan columns push out Medicare and the plan's status (the first to go).
    hidden = {c for c in range(len(COLUMNS)) if view.isColumnHidden(c)}
    assert hidden == {MEDICARE, PLAN}
    assert sum(header.sectionSize(c) for c in range(len(COLUMNS))) <= view.viewport().width()
    widest_coordinator = max(
        metrics.horizontalAdvance(screen.coordinator.itemText(i))
        for i in range(2, screen.coordinator.count())
    )
    assert header.sectionSize(COORDINATOR) >= widest_coordinator + 8, "the coordinator is cut"
    for column in set(range(len(COLUMNS))) - hidden:  # no header shown is cut either
        title = COLUMNS[column][0]
        assert header.sectionSize(column) >= metrics.horizontalAdvance(title), title
    for row in range(20):
        data = screen.model.row_data(row)
        for column, text in ((DOB, f"{data.date_of_birth:%d/%m/%Y} ({data.age})"),):
            assert header.sectionSize(column) > metrics.horizontalAdvance(text)
    window.grab().save(str(state.ws.folder / "patients-1280.png"))

    # The risk panel takes room: the columns it repeats go, the list still does not scroll.
    screen.show_risk(screen.model.index(0, 0))
    qtbot.waitUntil(lambda: view.isColumnHidden(PRACTICE_ID))
    assert view.horizontalScrollBar().maximum() == 0
    assert not view.isColumnHidden(NAME) and not view.isColumnHidden(CONDITIONS)
    screen.panel.close_button.click()
    qtbot.waitUntil(lambda: not view.isColumnHidden(PRACTICE_ID))
    QThreadPool.globalInstance().waitForDone()


def test_a_column_the_user_widens_keeps_its_width(qtbot, screen):
    header = screen.view.horizontalHeader()
    header.resizeSection(NAME, 260)  # as a drag does
    screen.resize(1100, 700)
    qtbot.waitUntil(lambda: screen.view.viewport().width() < 1100)
    assert header.sectionSize(NAME) == 260


def test_conditions_elide_before_their_count(qtbot, screen):
    delegate = screen.view.itemDelegateForColumn(CONDITIONS)
    assert isinstance(delegate, KeepCountDelegate)
    row = next(
        r
        for r in range(screen.model.rowCount())
        if "+" in screen.model.row_data(r).conditions_summary
    )
    index = screen.model.index(row, CONDITIONS)
    option = QStyleOptionViewItem()
    option.initFrom(screen.view)
    option.rect = QRect(0, 0, 150, 30)
    delegate.initStyleOption(option, index)
    count = screen.model.row_data(row).conditions_summary.rsplit(" ", 1)[1]
    assert option.text.endswith(f"… {count}")
    assert option.fontMetrics.horizontalAdvance(option.text) <= 150
    option.rect = QRect(0, 0, 2000, 30)
    delegate.initStyleOption(option, index)
    assert option.text == screen.model.row_data(row).conditions_summary


def test_export_warns_about_patient_data_before_any_file_is_written(
    qtbot, screen, monkeypatch, tmp_path
):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    out = tmp_path / "list.csv"
    steps: list[str] = []
    go = {"on": False}

    def answer(box):
        steps.append("warning")
        assert "patient data for 300 patients" in box.text()
        assert "unencrypted" in box.informativeText()
        cancel = box.button(QMessageBox.StandardButton.Cancel)
        assert box.defaultButton() is cancel, "the safe button is the default"
        chosen = next(b for b in box.buttons() if b is not cancel) if go["on"] else cancel
        chosen.click()
        return 0

    def save_as(*_args, **_kw):
        steps.append("file dialog" if out.exists() is False else "file already there")
        return str(out), "CSV files (*.csv)"

    monkeypatch.setattr(QMessageBox, "exec", answer)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: steps.append("done"))

    screen.export_list()  # declined: nothing asked, nothing written
    assert steps == ["warning"] and not out.exists()

    go["on"] = True
    steps.clear()
    screen.export_list()
    qtbot.waitUntil(lambda: steps == ["warning", "file dialog", "done"])  # written on a worker
    with out.open(encoding="utf-8-sig") as f:
        assert sum(1 for _ in f) == PATIENTS + 1


def test_the_risk_panel_shows_markup_in_a_record_as_text(qtbot):
    from datetime import date

    from carecoord_desktop.services.patients.register import PatientListRow
    from carecoord_desktop.services.patients.risk import RiskExplanation, RiskFactor
    from carecoord_desktop.ui.patients.risk_panel import RiskPanel

    panel = RiskPanel()
    qtbot.addWidget(panel)
    row = PatientListRow(
        id=1,
        practice_id="P1",
        display_name="<b>O'NEIL</b>, Ann",
        date_of_birth=date(1950, 1, 1),
        age=76,
        medicare_number=None,
        conditions_summary="<i>Gout</i>",
        condition_count=1,
        medication_count=0,
        risk_tier="low",
        coordinator_name=None,
    )
    explained = RiskExplanation("low", 1, [RiskFactor("<u>Aged 76</u>", 1)], ["<s>x</s>"])
    panel.show_patient(1, row, explained)
    assert panel.name.text() == "<b>O'NEIL</b>, Ann"
    assert panel.name.textFormat() == Qt.TextFormat.PlainText
    assert "&lt;i&gt;Gout&lt;/i&gt;" in panel.details.text()
    assert "&lt;u&gt;Aged 76&lt;/u&gt;" in panel.reasons.text()
    assert "&lt;s&gt;x&lt;/s&gt;" in panel.not_counted.text()
    assert "Score 1 (Medium from 3)" in panel.tier.text()
