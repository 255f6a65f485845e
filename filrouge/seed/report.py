def print_accounts(out, rows: list[dict]) -> None:
    """Prints the demo accounts as an aligned table."""
    headers = {
        "organisation": "Organisation",
        "service": "Service",
        "role": "Rôle",
        "email": "E-mail",
        "password": "Mot de passe",
    }
    widths = {
        key: max(len(str(label)), *(len(str(row[key])) for row in rows)) for key, label in headers.items()
    }
    line = "  ".join(str(label).ljust(widths[key]) for key, label in headers.items())
    out.write(line)
    out.write("  ".join("-" * widths[key] for key in headers))
    for row in rows:
        out.write("  ".join(str(row[key]).ljust(widths[key]) for key in headers))
