"""croissant.json: the package described in Croissant 1.1 (MLCommons; JSON-LD on schema.org `Dataset`), so
that dataset search engines and ML tools (mlcroissant, Hugging Face, Kaggle, CKAN) can find and read it.

Made by the build from the registry (one record set per table and view: its fields, their types, its key
and its references) and from the files just written (each CSV and Parquet file as a `cr:FileObject` with
its size and sha256). The record sets read the Parquet copies, which keep every type (a CSV reader that
guesses types would turn the code `042` into 42); each CSV file is the same rows (`sameAs`).

The vocabulary follows the Croissant 1.1 specification and the files of mlcommons/croissant
(`datasets/1.1/`); the `@context` is inline, so no reader has to fetch it.
"""

from __future__ import annotations

import json

from ..base.codec import codec_of
from ..base.paths import CROISSANT
from ..contract.registry import Registry, Table

CROISSANT_FILE = CROISSANT
CONFORMS_TO = "http://mlcommons.org/croissant/1.1"
CONTEXT = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",  # another vocabulary's word, not a column
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
    "arrayShape": "cr:arrayShape",
    "containedIn": "cr:containedIn",
    "isArray": "cr:isArray",
    "equivalentProperty": "cr:equivalentProperty",
}
# The registry's types as schema.org data types; a list is text items (`isArray`).
DATA_TYPES = {"string": "sc:Text", "list": "sc:Text", "integer": "sc:Integer", "number": "sc:Float",
              "boolean": "sc:Boolean", "date": "sc:Date"}


def _file_object(file_id: str, resource: dict, encoding: str, same_as: str | None = None) -> dict:
    entry = {"@type": "cr:FileObject", "@id": file_id, "name": file_id, "contentUrl": resource["path"],
             "contentSize": f"{resource['bytes']} B", "encodingFormat": encoding,
             "sha256": str(resource["hash"]).removeprefix("sha256:")}
    if same_as:
        entry["sameAs"] = same_as
    return entry


def _field(table: Table, column, parquet_id: str) -> dict:
    field = {"@type": "cr:Field", "@id": f"{table.name}/{column.name}", "name": column.name,
             "description": " ".join(column.description.split()), "dataType": DATA_TYPES[column.type],
             "source": {"fileObject": {"@id": parquet_id}, "extract": {"column": column.name}}}
    is_list = codec_of(column.type).is_list
    if is_list:
        field["isArray"] = True
        field["arrayShape"] = "-1"
    # As in datapackage.json: a list's items are checked by the contract; a reference joins one value to one.
    if column.references and column.references[0] != table.name and not is_list:
        target = f"{column.references[0]}/{column.references[1]}"
        field["references"] = {"field": {"@id": target}}  # another vocabulary's word, not a column
    return field


def record_set(table: Table, parquet_id: str) -> dict:
    return {"@type": "cr:RecordSet", "@id": table.name, "name": table.name,
            "description": " ".join(f"{table.title}. {table.description}".split()),
            "key": [{"@id": f"{table.name}/{key}"} for key in table.primary_key],
            "field": [_field(table, column, parquet_id) for column in table.columns]}  # another vocabulary's word, not a column


def croissant(registry: Registry, package: dict, released: str | None = None) -> dict:
    """The Croissant description of `package` (the datapackage.json just made, for its metadata and its
    files' sizes and hashes), with one record set per table and view of `registry`; `released` is the
    version's release date (CHANGELOG.md's, as CITATION.cff's)."""
    resources = {resource["name"]: resource for resource in package["resources"]}
    distribution, record_sets = [], []
    for table in registry.published:
        resource = resources[table.name]
        csv_id, parquet_id = f"{table.name}.csv", f"{table.name}.parquet"
        distribution.append(_file_object(parquet_id, resource["parquet"], "application/x-parquet"))
        distribution.append(_file_object(csv_id, resource, "text/csv", same_as=parquet_id))
        record_sets.append(record_set(table, parquet_id))
    licence = package["licenses"][0]
    dataset = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CONFORMS_TO,
        "name": package["name"],
        "alternateName": package["title"],
        "description": package["description"],
        "version": package["version"],
        "license": licence.get("path") or licence["name"],
        "keywords": package["keywords"],
        "creator": [{"@type": "sc:Organization", "name": c["title"]} for c in package["contributors"]],
        "citeAs": f"{', '.join(c['title'] for c in package['contributors'])}. {package['title']} "
                  f"(version {package['version']}) [Data set].",
        "distribution": distribution,
        "recordSet": record_sets,
    }
    if released:
        dataset["datePublished"] = released
    if package.get("homepage"):
        dataset["url"] = package["homepage"]  # another vocabulary's word, not a column
    return dataset


def croissant_bytes(registry: Registry, package: dict, released: str | None = None) -> bytes:
    return (json.dumps(croissant(registry, package, released), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def landing_jsonld(registry: Registry, metadata: dict, package_version: str, released: str | None = None) -> str:
    """A `<script type="application/ld+json">` with the schema.org `Dataset` of the package, for the viewer's
    index page (docs/sources/index.html), where dataset search engines look for it. Its links are relative
    to that page; the files' hashes are in croissant.json (docs/ is written before the tables' descriptor)."""
    up = "../../"
    licence = metadata["licenses"][0]
    downloads = [("datapackage.json", "application/json", "Frictionless Data Package descriptor"),
                 (CROISSANT, "application/ld+json", "Croissant 1.1 description")]
    downloads += [(f"datasets/csv/{table.name}.csv", "text/csv", table.title) for table in registry.published]
    dataset = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": metadata["title"],
        "alternateName": metadata["name"],
        "identifier": metadata["id"],
        "description": " ".join(str(metadata["description"]).split()),
        "version": package_version,
        "keywords": metadata["keywords"],
        "license": licence.get("path") or licence["name"],
        "isAccessibleForFree": True,
        "creator": [{"@type": "Organization", "name": c["title"]} for c in metadata["contributors"]],
        "distribution": [{"@type": "DataDownload", "name": name, "contentUrl": up + path, "encodingFormat": kind}
                         for path, kind, name in downloads],
        "subjectOf": {"@type": "CreativeWork", "name": "Croissant 1.1 description",
                      "url": up + CROISSANT,  # another vocabulary's word, not a column
                      "encodingFormat": "application/ld+json"},
    }
    if released:
        dataset["datePublished"] = released
    if metadata.get("homepage"):
        dataset["url"] = metadata["homepage"]  # another vocabulary's word, not a column
    # "<" escaped, so that no value can close the script element
    text = json.dumps(dataset, indent=1, ensure_ascii=False).replace("<", "\\u003c")
    return f"<script type=\"application/ld+json\">\n{text}\n</script>\n"
