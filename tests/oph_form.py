"""Builds an Avustamo form definition from the Finnish National Agency for Education's production form (2020).

It shows the schema can express a real, rich call form: sections, fieldsets, repeating groups, choices, code
list pickers, identifiers, money, info texts, the budget and conditions. OPH's own applicant, contact, project
name/summary, period, region and budget fields become Avustamo's standard blocks (the *facts*), because in
Avustamo those come from typed columns rather than free answers. The source form is © Opetushallitus, EUPL 1.1.
"""

import re

from avustamo.programmes.application_form.schema import SCHEMA_VERSION

# OPH field ids that become Avustamo standard blocks, with the fact they carry.
ABSORBED = {
    "organization": "applicant",
    "organization-email": "applicant",
    "business-id": "applicant",
    "bank-iban": "applicant",
    "applicant-name": "contact_persons",
    "primary-email": "contact_persons",
    "textField-0": "contact_persons",
    "project-name": "project_name",
    "project-nutshell": "project_summary",
    "project-begin": "period",
    "project-end": "period",
    "koodistoField-1": "regions",
    "budget": "budget",
}
# Texts about the call itself (its name and application period) that Avustamo shows from the call.
CALL_METADATA = {"name", "duration"}


def _identifier(value: str) -> str:
    value = re.sub(r"[^a-z0-9_-]+", "-", value.lower()).strip("-")
    return value if re.match(r"^[a-z]", value) else f"x-{value}"


def _text(texts: dict | None) -> dict | None:
    if not texts or not (texts.get("fi") or "").strip():
        return None
    return {"fi": texts["fi"].strip(), "sv": (texts.get("sv") or "").strip(), "en": ""}


class Converter:
    def __init__(self, oph: dict):
        self.oph = oph
        self.mapped: dict[str, str] = {}
        self.skipped: dict[str, str] = {}
        self.unresolved_rules: list[dict] = []
        self._ids: set[str] = set()
        self._conditions = {
            target: rule
            for rule in oph.get("rules", [])
            if rule["type"] == "includeIf"
            for target in rule["targetIds"]
        }

    def _new_id(self, oph_id: str) -> str:
        candidate = _identifier(oph_id.split(".")[-1])
        base, n = candidate, 2
        while candidate in self._ids:
            candidate, n = f"{base}-{n}", n + 1
        self._ids.add(candidate)
        return candidate

    def _condition(self, oph_id: str) -> dict | None:
        rule = self._conditions.get(oph_id)
        if rule is None:
            return None
        trigger = self.mapped.get(rule["triggerId"])
        if trigger is None:
            self.unresolved_rules.append(rule)
            return None
        return {"question": trigger, "equals": rule["params"]["triggerValue"]}

    def question(self, field: dict) -> dict | None:
        oph_id, kind = field["id"], field["fieldType"]
        if oph_id in ABSORBED:
            self.mapped[oph_id] = ABSORBED[oph_id]
            return None
        if field["fieldClass"] == "infoElement":
            text = _text(field.get("text") or field.get("label"))
            if oph_id in CALL_METADATA or text is None:
                self.skipped[oph_id] = "shown from the call" if oph_id in CALL_METADATA else "no text"
                return None
            question = {"type": "info", "id": self._new_id(oph_id), "text": text}
        elif kind == "fieldset" or kind == "growingFieldset":
            children = field.get("children", [])
            if kind == "growingFieldset":
                children = children[0].get("children", []) if children else []
            members = [q for q in (self.question(child) for child in children) if q]
            if not members:
                self.skipped[oph_id] = "empty"
                self._condition(oph_id)
                return None
            question = {
                "type": "group",
                "id": self._new_id(oph_id),
                "label": _text(field.get("label"))
                or {"fi": members[0].get("label", {}).get("fi", oph_id), "sv": "", "en": ""},
                "repeat": kind == "growingFieldset",
                "questions": members,
            }
            if kind == "growingFieldset":
                question |= {"min_items": 1, "max_items": 10}
        else:
            question = {
                "id": self._new_id(oph_id),
                "label": _text(field.get("label")),
                "required": bool(field.get("required")),
            }
            help_text = _text(field.get("helpText"))
            if help_text:
                question["help"] = help_text
            maxlength = (field.get("params") or {}).get("maxlength")
            options = field.get("options") or []
            if kind == "textField" or kind == "bic":
                question |= {"type": "short_text", "max_length": min(maxlength or 200, 1000)}
            elif kind == "textArea":
                question |= {"type": "long_text", "max_length": maxlength or 2000}
            elif kind in ("emailField", "vaEmailNotification"):
                question["type"] = "email"
            elif kind == "finnishBusinessIdField":
                question["type"] = "business_id"
            elif kind == "iban":
                question["type"] = "iban"
            elif kind in ("moneyField", "vaSelfFinancingField"):
                question["type"] = "money"
            elif kind == "radioButton" and sorted(option["value"] for option in options) == ["no", "yes"]:
                question["type"] = "yes_no"
            elif kind in ("radioButton", "checkboxButton", "dropdown"):
                question["type"] = "multiple_choice" if kind == "checkboxButton" else "single_choice"
                question["options"] = [
                    {"value": _identifier(option["value"]), "label": _text(option["label"])}
                    for option in options
                ]
            elif kind == "koodistoField":
                code_list = field["params"]["koodisto"]["uri"]
                question |= {
                    "type": "region" if code_list == "maakunta" else "municipality",
                    "multiple": False,
                }
            elif kind == "namedAttachment":
                question["type"] = "attachment"
            else:
                raise ValueError(f"no Avustamo type for OPH field {oph_id} of type {kind}")
        self.mapped[oph_id] = question["id"]
        condition = self._condition(oph_id)
        if condition:
            question["show_if"] = condition
        return question

    def standard_blocks(self) -> list[dict]:
        """The blocks OPH's form asks as free fields (or not at all) but Avustamo keeps as facts."""

        def text(fi, sv):
            return {"fi": fi, "sv": sv, "en": ""}

        return [
            {"type": "applicant", "id": "applicant", "fact": "applicant", "label": text("Hakija", "Sökande")},
            {
                "type": "contact_persons",
                "id": "contact-persons",
                "fact": "contact_persons",
                "required": True,
                "label": text("Yhteyshenkilö", "Kontaktperson"),
            },
            {
                "type": "short_text",
                "id": "project-name",
                "fact": "project_name",
                "required": True,
                "max_length": 200,
                "label": text("Hankkeen nimi", "Projektets namn"),
            },
            {
                "type": "long_text",
                "id": "project-nutshell",
                "fact": "project_summary",
                "required": True,
                "max_length": 1000,
                "label": text("Hanke pähkinänkuoressa", "Projektet i ett nötskal"),
            },
            {
                "type": "long_text",
                "id": "objectives",
                "fact": "objectives",
                "required": True,
                "max_length": 2400,
                "label": text("Hankkeen tavoitteet", "Projektets mål"),
            },
            {
                "type": "long_text",
                "id": "target-groups",
                "fact": "target_groups",
                "required": True,
                "max_length": 2000,
                "label": text("Kohderyhmät", "Målgrupper"),
            },
            {
                "type": "long_text",
                "id": "activities",
                "fact": "activities",
                "required": True,
                "max_length": 2400,
                "label": text("Hankkeen toiminta", "Projektets verksamhet"),
            },
            {
                "type": "region",
                "id": "regions",
                "fact": "regions",
                "required": True,
                "label": text("Maakunta", "Landskap"),
            },
            {
                "type": "period",
                "id": "period",
                "fact": "period",
                "required": True,
                "label": text("Hankkeen alkamis- ja päättymisaika", "Projektets start och slut"),
            },
            {
                "type": "budget",
                "id": "budget",
                "fact": "budget",
                "required": True,
                "label": text("Talousarvio", "Budget"),
            },
            {
                "type": "declarations",
                "id": "declarations",
                "fact": "declarations",
                "label": text("Hakija vakuuttaa", "Sökanden försäkrar"),
            },
        ]

    def build(self) -> dict:
        self._ids.update(block["id"] for block in self.standard_blocks())
        sections = []
        introduction = []
        for element in self.oph["content"]:
            if element.get("fieldType") == "theme":
                questions = [q for q in (self.question(child) for child in element.get("children", [])) if q]
                sections.append(
                    {
                        "id": self._new_id(element["id"]),
                        "title": _text(element["label"]),
                        "questions": questions,
                    }
                )
            else:
                question = self.question(element)
                if question:
                    introduction.append(question)
        sections.insert(
            0,
            {
                "id": "introduction",
                "title": {"fi": "Ohjeet", "sv": "Anvisningar", "en": ""},
                "questions": introduction,
            },
        )
        sections.append(
            {
                "id": "standard-blocks",
                "title": {"fi": "Vakiotiedot", "sv": "Standarduppgifter", "en": ""},
                "questions": self.standard_blocks(),
            }
        )
        return {"schema": SCHEMA_VERSION, "sections": sections}


def oph_form_fields(content: list[dict]):
    """Every answerable OPH field id in the source, depth first."""
    for element in content:
        if element["fieldClass"] == "formField":
            yield element["id"]
        yield from oph_form_fields(element.get("children", []))
