from filrouge.core.phones import validate_phone

# The people app's migration 0001 names this validator; the rule itself is `core.phones`.
validate_french_phone = validate_phone
