"""What a reader of the CSV files must do that `load()` does for them: which columns are codes made of
digits (derived from the registry, `Column.digits_as_text`), and how to read them as text with pandas."""

from __future__ import annotations

from ..contract.registry import Registry


def digit_code_columns(registry: Registry) -> dict[str, list[str]]:
    """table or view -> its columns of codes made of digits, in the registry's order."""
    tables = [*registry, *(view.table for view in registry.views.values())]
    found = {table.name: [c.name for c in table.columns if c.digits_as_text] for table in tables}
    return {name: columns for name, columns in found.items() if columns}


def codebook_section(registry: Registry) -> list[str]:
    """The codebook's paragraph on codes with leading zeros (empty when the registry has none)."""
    found = digit_code_columns(registry)
    if not found:
        return []
    names = sorted({column for columns in found.values() for column in columns})
    listing = "; ".join(f"`{table}`: " + ", ".join(f"`{c}`" for c in columns) for table, columns in found.items())
    dtype = ", ".join(f'"{name}": "string"' for name in names)
    first = registry.fields[names[0]]
    value = str(min(first.enum or [first.example], key=lambda v: (not str(v).startswith("0"), str(v))))
    meaning = (first.enum or {}).get(value, "")
    shown = f"`{value}`" + (f" ({meaning.split(':')[0]})" if meaning else "")
    return ["**Codes with leading zeros.** These columns hold codes made of digits, kept as text: " + listing +
            f". A CSV reader that guesses types (pandas' `read_csv`, a spreadsheet opened by a double-click) reads "
            f"{shown} of `{first.name}` as the number {int(value)} and says nothing; read "
            f"them as text: `pd.read_csv(path, dtype={{{dtype}}}, keep_default_na=False, na_values=[\"\"])` "
            "(`keep_default_na=False`: the ISO-2 code `NA` is Namibia; only an empty cell is missing). `load()`, "
            "the Parquet files, SQLite and the workbook keep them as text.", ""]
