"""The verbs that answer: ask, chat (with follow-ups and picking a figure by number), batch, figures."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.cli.common import UserError, filters_from, load_assistant, print_answer, question_from


def cmd_ask(args: argparse.Namespace) -> int:
    question = question_from(args.question)
    if not question:
        raise UserError("De vraag is leeg; geef een vraag tussen aanhalingstekens.")
    assistant = load_assistant(args)
    print_answer(assistant.ask(question, filters=filters_from(args, assistant)), args.json)
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    from assistant.render import candidate_facts, chosen_answer, fact_figure, figure_card

    assistant = load_assistant(args)
    filters = filters_from(args, assistant)
    history: list[str] = []
    last = None  # the previous answer: a number typed next picks one of its figures
    # Bytes that are not UTF-8 arrive as lone surrogates, which the cleaning replaces,
    # instead of ending the conversation with a decoding error.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
    print("Stel uw vraag over de documenten (leeg of 'stop' om te stoppen, 'nieuw' voor een nieuw gesprek).")
    while True:
        try:
            typed = input("\nVraag: ")
        except EOFError:
            break
        try:
            question = question_from(typed)
        except UserError as exc:
            print(f"Fout: {exc}", file=sys.stderr)
            continue
        if question.lower() in ("", "stop", "exit", "quit"):
            break
        if question.lower() == "nieuw":
            history, last = [], None
            print("Nieuw gesprek gestart.")
            continue
        if last is not None and question.isdigit() and candidate_facts(last):
            # A number picks one of the figures the previous answer offered.
            options = candidate_facts(last)
            if 1 <= int(question) <= len(options):
                print_answer(chosen_answer(last, options[int(question) - 1]), False)
            else:
                print(f"Fout: kies een nummer van 1 tot en met {len(options)}.", file=sys.stderr)
            continue
        last = assistant.ask(question, history=history, filters=filters)
        print_answer(last, False)
        if candidate_facts(last):
            print("\nKies een nummer om met dat bedrag te antwoorden:")
            for n, fact in enumerate(candidate_facts(last), start=1):
                print(f"  {n}) {fact_figure(fact)} — {figure_card(fact) or fact.row}")
        history.append(question)
    return 0


def _parse_line(n: int, raw: bytes) -> dict[str, Any]:
    """One line of a question file: {"line", "id", "question", "history"} or {"line", "id", "error"}."""
    from assistant.questions import QuestionError, clean_question, clean_text

    try:
        line = raw.decode("utf-8")
        decodable = True
    except UnicodeDecodeError:
        line, decodable = raw.decode("utf-8", "replace"), False
    try:
        item = json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        what = "geen UTF-8-tekst" if not decodable else "geen geldige JSON"
        return {"line": n, "id": None, "error": f"Regel {n} van het vragenbestand is {what}."}
    if not isinstance(item, dict):
        return {"line": n, "id": None, "error": f"Regel {n} van het vragenbestand is geen JSON-object met een veld \"question\"."}
    qid = item.get("id")
    if not isinstance(qid, (str, int, float, bool, type(None))):
        qid = None
    question = item.get("question")
    try:
        question = clean_question(question) if isinstance(question, str) else ""
    except QuestionError as exc:
        return {"line": n, "id": qid, "error": f"Regel {n} van het vragenbestand: {exc.message}"}
    if not question:
        return {"line": n, "id": qid, "error": f"Regel {n} van het vragenbestand mist een niet-lege tekst in het veld \"question\"."}
    history = item.get("history", [])
    if history is None:
        history = []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        return {
            "line": n, "id": qid,
            "error": f"Regel {n} van het vragenbestand: \"history\" moet een lijst met eerdere vragen (teksten) zijn.",
        }
    return {"line": n, "id": qid, "question": question, "history": [clean_text(h) for h in history]}


def _read_questions(file: str) -> list[dict[str, Any]]:
    """Parse a JSON-lines question file ("-" = stdin) before any model is loaded.

    Each line: {"id": ..., "question": "...", "history": ["...", ...]} (id and history
    optional). Every line is parsed on its own: a bad line becomes an item with "error"
    (and its line number), the others are answered. Raises UserError when the file is
    missing or holds no line that can be answered (naming the first bad line).
    """
    if file == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8", "surrogateescape")
    else:
        path = Path(file)
        if not path.is_file():
            raise UserError(f"Vragenbestand {path} bestaat niet.")
        data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Split on newline bytes only: a JSON string may hold U+2028, which str.splitlines breaks on.
    items = [_parse_line(n, raw) for n, raw in enumerate(data.split(b"\n"), start=1) if raw.strip()]
    if not items:
        raise UserError("Het vragenbestand bevat geen vragen.")
    if all("error" in item for item in items):
        raise UserError(items[0]["error"])
    return items


def cmd_batch(args: argparse.Namespace) -> int:
    from assistant.contract import answer_json, error_json

    items = _read_questions(args.file)
    assistant = load_assistant(args)
    filters = filters_from(args, assistant)
    failed: list[int] = []
    for item in items:
        if "error" not in item:
            try:
                answer = assistant.ask(item["question"], history=item["history"], filters=filters)
                print(json.dumps(answer_json(answer, item["id"]), ensure_ascii=False), flush=True)
                continue
            except Exception:  # noqa: BLE001 - one question must not cost the rest of the file
                item = {**item, "error": f"Regel {item['line']} van het vragenbestand kon niet worden beantwoord door een interne fout."}
        failed.append(item["line"])
        print(json.dumps(error_json(item["line"], item["error"], item["id"]), ensure_ascii=False), flush=True)
    if failed:
        lines = ", ".join(str(n) for n in failed)
        raise UserError(f"{len(failed)} van de {len(items)} regels zijn niet beantwoord (regel {lines}); zie het veld \"error\".")
    return 0


def cmd_figures(args: argparse.Namespace) -> int:
    from assistant.contract import FACT_FIELDS, fact_json

    if not args.query.strip():
        raise UserError("De zoekvraag is leeg; geef bijvoorbeeld een programma of regel uit een tabel.")
    if args.limit <= 0:
        raise UserError("--limit moet een positief geheel getal zijn.")
    assistant = load_assistant(args)
    facts = assistant.facts.search(args.query, filters_from(args, assistant), limit=args.limit)
    if args.csv:
        import csv

        # The header is written even when nothing matches, so tools can always read the file.
        writer = csv.DictWriter(sys.stdout, fieldnames=list(FACT_FIELDS), lineterminator="\n")
        writer.writeheader()
        writer.writerows(fact_json(f) for f in facts)
        return 0
    if not facts:
        print("Geen bedragen gevonden die bij deze zoekvraag passen.")
        return 0
    for f in facts:
        print(f"{f.raw:>14}  {f.unit:<22} {f.row} | {f.column} | {f.table} | {f.doc_id}")
    return 0
