from tests.matrix import PERSON_TEAM, Row, person

ROWS = [
    Row("profiles:detail", "GET", PERSON_TEAM, kwargs=person),
    Row("profiles:edit", "GET", PERSON_TEAM, kwargs=person),
    Row("profiles:edit", "POST", PERSON_TEAM, kwargs=person),
]
