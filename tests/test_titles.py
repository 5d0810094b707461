"""The title classifier: role, category and seniority from a title, for every format."""

from __future__ import annotations

import pytest

from service.salaries import titles
from service.salaries.titles import Title

ML, SE, LM = "Machine Learning & AI", "Software Engineering", "Leadership & Management"


@pytest.mark.parametrize(("title", "role", "category", "seniority"), [
    ("Staff ML Engineer", "Machine Learning Engineer", ML, "staff"),
    ("  staff   ml   ENGINEER ", "Machine Learning Engineer", ML, "staff"),
    ("Principal Machine Learning Engineer", "Machine Learning Engineer", ML, "principal"),
    ("Sr. ML Engineer", "Machine Learning Engineer", ML, "senior"),
    ("MLE", "Machine Learning Engineer", ML, "mid"),
    ("Sr SWE", "Software Engineer", SE, "senior"),
    ("SWE II", "Software Engineer", SE, "mid"),
    ("Software Engineer III", "Software Engineer", SE, "senior"),
    ("Jr. Software Developer", "Software Engineer", SE, "entry"),
    ("Junior Data Analyst", "Data Analyst", "Data Analytics", "entry"),
    ("Jr Data Scientist", "Data Scientist", "Data Science", "entry"),
    ("Data Scientist Intern", "Data Scientist", "Data Science", "entry"),
    ("Graduate Data Engineer", "Data Engineer", "Data Engineering", "entry"),
    ("SRE", "Site Reliability Engineer", SE, "mid"),
    ("Senior SRE", "Site Reliability Engineer", SE, "senior"),
    ("Lead Data Engineer", "Data Engineer", "Data Engineering", "staff"),
    ("Data Lead", "Data & Analytics Lead", LM, "staff"),
    ("Head of Data", "Head of Data & AI", LM, "executive"),
    ("Head of Machine Learning", "Head of Data & AI", LM, "executive"),
    ("Director of Machine Learning", "Head of Data & AI", LM, "executive"),
    ("Engineering Manager", "Engineering Manager", LM, "senior"),
    ("Member of Technical Staff", "Member of Technical Staff", ML, "mid"),
    ("Senior Backend Engineer", "Backend Engineer", SE, "senior"),
    ("Staff Data Scientist", "Data Scientist", "Data Science", "staff"),
    ("Data Scientist", "Data Scientist", "Data Science", "mid"),
])
def test_known_titles(title: str, role: str, category: str, seniority: str) -> None:
    assert titles.classify(title) == Title(role, category, seniority, True)


@pytest.mark.parametrize(("title", "role", "category", "seniority"), [
    ("Senior LLM Platform Wizard", "LLM Platform Wizard", ML, "senior"),  # a rule knows the words
    ("VP Engineering", "VP Engineering", LM, "executive"),
    ("Director of Growth", "Director of Growth", LM, "executive"),
])
def test_titles_known_by_their_words(title: str, role: str, category: str, seniority: str) -> None:
    assert titles.classify(title) == Title(role, category, seniority, True)


@pytest.mark.parametrize(("title", "role", "seniority"), [
    ("Chef", "Chef", "mid"), ("Senior Pastry Chef", "Pastry Chef", "senior"),
    ("Junior Copywriter", "Copywriter", "entry"),
])
def test_an_unknown_title_is_other_and_keeps_its_own_role(title: str, role: str, seniority: str) -> None:
    assert titles.classify(title) == Title(role, "Other", seniority, False)


def test_the_word_lists_are_data() -> None:
    spelled = titles.words("Sr. ML Eng")
    assert spelled == "senior machine learning engineer"
    assert titles.seniority(spelled) == "senior" and titles.core(spelled) == "machine learning engineer"
