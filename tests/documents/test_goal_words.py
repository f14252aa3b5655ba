"""A goal's target in plain words, as the handout and the plan's captions say it."""

from carecoord_desktop.documents.careplan_data import Goal
from carecoord_desktop.documents.goal_words import target_words


def test_targets_read_as_a_patient_would_say_them():
    assert target_words(Goal("Sugar down", "HbA1c", 7, "%", "below")) == "7 % or lower"
    walk = Goal("Walk", "Steps", 8000, "steps/day", "above")
    assert target_words(walk) == "8000 steps/day or more"
    # a target of nothing is "none", not "0 cigarettes/day or lower"
    assert target_words(Goal("Quit", "Cigarettes", 0, "cigarettes/day", "below")) == (
        "none (0 cigarettes/day)"
    )
    assert target_words(Goal("Stay home", "Admissions", 0, "", "below")) == "none (0)"
    assert target_words(Goal("No target")) == ""
