from tests.matrix import PERSON_TEAM, Row, person
from tests.notifications.messages_to_check import stuck_message_of_a, unchecked_message_of_a


def sms_choice():
    return {"channels": "sms", "phone": "06 39 98 12 34", "email": "", "language": "fr"}


ROWS = [
    # The person's reminder choices are case content: their team sees and records them (EDIT_CASES).
    Row("notifications:person_reminders", "GET", PERSON_TEAM, kwargs=person),
    Row("notifications:record_choice", "GET", PERSON_TEAM, kwargs=person),
    Row("notifications:record_choice", "POST", PERSON_TEAM, kwargs=person, ok=302, data=sms_choice()),
    # A message failed or to check: the administrators of its organisation decide (no name shown).
    Row("notifications:send_again", "GET", frozenset({"org_admin"}), kwargs=stuck_message_of_a),
    Row("notifications:send_again", "POST", frozenset({"org_admin"}), kwargs=stuck_message_of_a, ok=302),
    Row("notifications:confirm_sent", "GET", frozenset({"org_admin"}), kwargs=unchecked_message_of_a),
    Row(
        "notifications:confirm_sent", "POST", frozenset({"org_admin"}), kwargs=unchecked_message_of_a, ok=302
    ),
]
