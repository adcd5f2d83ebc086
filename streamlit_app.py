"""The conversation: a Streamlit chat over the municipal documents.

Start with `streamlit run streamlit_app.py`. Thin by design: it draws widgets, keeps the
conversation in `st.session_state` and calls the assistant (`assistant.service.Assistant`);
all retrieval and answering lives in `assistant/`, all escaping in `assistant/render.py`.

Settings come from the environment (`ASSISTANT_CORPUS_DIR`, `ASSISTANT_INDEX_DIR`,
`ASSISTANT_DATA_DIR`, ... see assistant/settings.py). `ASSISTANT_APP_FACTORY="module:callable"`
replaces `Assistant.load` by another callable with the same signature
`(settings, progress=None) -> assistant`; tests use it to run the app on a small fake.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import streamlit as st

from assistant.export import Turn, conversation_markdown
from assistant.feedback import FeedbackStore, sources_json
from assistant.models import Answer, Filters
from assistant.render import (
    UPLOAD_TYPES,
    UploadLimits,
    answer_html,
    candidate_facts,
    chosen_answer,
    citation_highlight,
    citation_page,
    dutch_number,
    escape_markdown,
    example_questions,
    fact_figure,
    figure_card,
    filters_text,
    highlighted_table,
    option_label,
    option_values,
    passage_html,
    safe_file_name,
    source_label,
    upload_count_problem,
    upload_file_problem,
    year_series,
)
from assistant.settings import Settings, SettingsError
from corpus.errors import CorpusError
from corpus.models import DOC_TYPES, BudgetFact, Document

log = logging.getLogger("assistant.app")

GENERIC_ERROR = (
    "Er ging iets mis bij het beantwoorden van deze vraag. Probeer het opnieuw of stel de vraag anders."
)
LOAD_ERROR = (
    "De assistent kon niet worden gestart. Controleer de documentenmap en de index-instellingen "
    "(ASSISTANT_CORPUS_DIR, ASSISTANT_INDEX_DIR) en laad de pagina opnieuw."
)
# Budget tables up to this many rows are shown without an inner scrollbar.
FULL_TABLE_ROWS = 40
CSS = """<style>
.bron-tekst { white-space: normal; line-height: 1.5; }
.bron-tekst mark { background: #ffe58a; padding: 0 .1em; }
.bron-context { color: #555; }
</style>"""


# ---------------------------------------------------------------------------- assistant
def resolve_factory(spec: str) -> Callable[..., Any]:
    """Import "package.module:Attr.attr" and return the callable it names."""
    module_name, _, attr_path = spec.partition(":")
    if not module_name or not attr_path:
        raise ValueError(f"ASSISTANT_APP_FACTORY={spec!r}: verwacht 'module:functie'.")
    obj: Any = importlib.import_module(module_name)
    for part in attr_path.split("."):
        obj = getattr(obj, part)
    return obj


@st.cache_resource(show_spinner=False)
def assistant_slot(factory_spec: str, settings: Settings) -> dict:
    """The server-wide holder of the one assistant for these settings.

    Cached with st.cache_resource so the model and index load once per server. The holder,
    not the assistant itself, is cached: loading must report progress in the page, and a
    cached function cannot draw into the page (Streamlit replays such elements on every
    cache hit). A failed load leaves the slot empty, so the next page view tries again.
    """
    return {"assistant": None, "lock": threading.Lock()}


def _outdated(assistant: Any) -> bool:
    check = getattr(assistant, "index_changed", None)
    return bool(check()) if callable(check) else False


def get_assistant(settings: Settings) -> Any | None:
    """The loaded assistant, building/updating the index with visible progress on first use,
    and loading again when another process published a newer index (an `assistant add` in
    a terminal, or the end of an update this server could not wait for).

    Returns None (after showing a Dutch error) when the first load fails; a failed reload
    keeps the assistant that was loaded.
    """
    spec = settings.app_factory.strip()
    slot = assistant_slot(spec, settings)
    current = slot["assistant"]
    if current is not None and not _outdated(current):
        return current
    with slot["lock"]:
        current = slot["assistant"]
        if current is not None and not _outdated(current):  # another session loaded it meanwhile
            return current
        label = "De documenten en de index worden geladen…" if current is None else "De bijgewerkte index wordt geladen…"
        with st.status(label, expanded=True) as status:
            bar = st.progress(0.0)
            line = st.empty()

            def progress(message: str, fraction: float | None = None) -> None:
                line.text(str(message))
                if fraction is not None:
                    bar.progress(min(max(float(fraction), 0.0), 1.0))

            try:
                slot["assistant"] = resolve_factory(spec)(settings, progress=progress)
            except (CorpusError, SettingsError) as exc:
                status.update(label="Laden mislukt", state="error")
                st.error(escape_markdown(str(exc)))
                return current
            except Exception:  # noqa: BLE001 - the page must show Dutch text, never a trace
                log.exception("loading the assistant failed")
                status.update(label="Laden mislukt", state="error")
                st.error(LOAD_ERROR)
                return current
            status.update(label="De assistent is klaar.", state="complete", expanded=False)
    return slot["assistant"]


def replace_assistant(settings: Settings, assistant: Any) -> None:
    """Put a reloaded assistant (after adding documents) in the server-wide slot, unless the
    slot already holds a newer one: two sessions that upload at once finish in any order,
    and the assistant over the later index version (the one that has both documents) wins."""
    _replace_in_slot(assistant_slot(settings.app_factory.strip(), settings), assistant)


def _replace_in_slot(slot: dict, assistant: Any) -> None:
    """replace_assistant on a slot already at hand (the indexing thread has no page to
    look the cached slot up from)."""
    with slot["lock"]:
        current = slot["assistant"]
        if current is None or getattr(assistant, "version", 0) >= getattr(current, "version", 0):
            slot["assistant"] = assistant


def show_stale_notice(assistant: Any) -> None:
    """Say once per session that the index is a previous version, and why."""
    reason = getattr(assistant, "stale_reason", None)
    if reason and st.session_state.get("stale_notice_shown") != reason:
        st.session_state["stale_notice_shown"] = reason
        st.warning(escape_markdown(reason))


# ---------------------------------------------------------------------------- state
@dataclass
class ChatTurn:
    """A turn as the page keeps it: the exported Turn plus widget key and feedback row."""

    key: int
    turn: Turn
    feedback_id: int | None = None
    feedback_rating: int | None = None
    feedback_comment: str = ""


def init_state() -> None:
    st.session_state.setdefault("turns", [])
    st.session_state.setdefault("turn_seq", 0)
    st.session_state.setdefault("uploader_seq", 0)


def new_conversation() -> None:
    st.session_state["turns"] = []
    st.session_state.pop("pending_question", None)


def ask_example(question: str) -> None:
    st.session_state["pending_question"] = question


# ---------------------------------------------------------------------------- sidebar
def select_filter(label: str, counts: dict, key: str) -> Any:
    values = option_values(counts)
    if st.session_state.get(key) not in values:  # the corpus changed under a stored choice
        st.session_state.pop(key, None)
    return st.selectbox(label, values, format_func=lambda v: option_label(v, counts), key=key)


def sidebar_filters(assistant: Any) -> Filters:
    st.header("Filters")
    try:
        options = assistant.filter_options()
    except Exception:  # noqa: BLE001
        log.exception("filter_options failed")
        st.warning("De filters konden niet worden geladen.")
        return Filters()
    municipality = select_filter("Gemeente", options.get("municipality", {}), "filter_municipality")
    year = select_filter("Jaar", options.get("year", {}), "filter_year")
    doc_type = select_filter("Soort document", options.get("doc_type", {}), "filter_doc_type")
    st.caption("Filters gelden voor de volgende vraag.")
    return Filters(
        municipality=municipality,
        year=int(year) if year is not None else None,
        doc_type=doc_type,
    )


def sidebar_documents(assistant: Any) -> None:
    # One short block per document rather than a table: the sidebar is too narrow for a
    # table's columns, and a truncated title hid municipality and year.
    docs = assistant.documents()
    with st.expander(f"Documenten ({len(docs)})", expanded=False):
        if not docs:
            st.info("Er zijn nog geen documenten geladen.")
            return
        for d in docs:
            meta = d.meta
            details = [str(x) for x in (meta.municipality, meta.year, meta.doc_type) if x]
            details.append(f"{d.chunks} passages, {d.tables} tabellen")
            if meta.export_date:
                details.append(f"geëxporteerd {meta.export_date}")
            st.markdown(f"**{escape_markdown(meta.title or d.id)}**")
            st.caption(escape_markdown(" · ".join(details)))


@contextmanager
def staged(uploaded: Any) -> Iterator[Path]:
    """The uploaded file on disk, under its sanitised name, for the duration of the block.

    The folder is removed when the block ends, whatever the outcome: Streamlit keeps the
    upload's bytes between reruns, so nothing needs to stay on disk.
    """
    with tempfile.TemporaryDirectory(prefix="assistant-upload-") as folder:
        path = Path(folder) / safe_file_name(uploaded.name)
        path.write_bytes(uploaded.getvalue())
        yield path


def _upload_key(uploaded: Any) -> str:
    return hashlib.sha256(uploaded.getvalue()).hexdigest()[:16] + "/" + safe_file_name(uploaded.name)


def sidebar_upload(assistant: Any, settings: Settings) -> None:
    limits = UploadLimits(settings.max_file_mb, settings.max_files_per_upload)
    top = st.container()
    # One upload at a time per session; while one runs, the panel shows it instead of the form.
    if st.session_state.get("indexing_job") is None:
        upload_form(assistant, settings, limits)
    with top:
        indexing_panel()
        finished = st.session_state.pop("indexing_done", None)
        if finished is not None:
            _indexing_summary(finished)


def upload_form(assistant: Any, settings: Settings, limits: UploadLimits) -> None:
    with st.expander("Documenten toevoegen", expanded=False):
        files = st.file_uploader(
            "Kies bestanden",
            type=list(UPLOAD_TYPES),
            accept_multiple_files=True,
            key=f"uploader_{st.session_state['uploader_seq']}",
            help=f"pdf, docx, html, txt of md; maximaal {limits.max_files} bestanden van elk "
            f"maximaal {limits.max_file_mb} MB.",
        )
        if not files:
            return
        problem = upload_count_problem(len(files), limits)
        if problem:
            st.error(problem)
            return
        ready: list[tuple[Any, Any]] = []
        for uploaded in files:
            problem = upload_file_problem(uploaded.name, uploaded.size, limits)
            if problem:
                st.error(problem)
                continue
            cache = st.session_state.setdefault("detected", {})
            key = _upload_key(uploaded)
            if key not in cache:
                try:
                    with staged(uploaded) as path:
                        cache[key] = assistant.detect_metadata(path)
                except CorpusError as exc:
                    cache[key] = exc
            detected = cache[key]
            name = safe_file_name(uploaded.name)
            if isinstance(detected, CorpusError):
                st.error(f"{escape_markdown(name)}: {escape_markdown(str(detected))}")
                continue
            ready.append((uploaded, detected))
        if not ready:
            return
        with st.form("upload_form"):
            entries = []
            for i, (uploaded, meta) in enumerate(ready):
                name = safe_file_name(uploaded.name)
                st.markdown(f"**{escape_markdown(name)}**")
                title = st.text_input("Titel", value=meta.title or Path(name).stem, key=f"up_title_{i}")
                municipality = st.text_input("Gemeente", value=meta.municipality or "", key=f"up_mun_{i}")
                year = st.text_input("Jaar", value=str(meta.year or ""), key=f"up_year_{i}")
                doc_type = st.selectbox(
                    "Soort document",
                    DOC_TYPES,
                    index=DOC_TYPES.index(meta.doc_type) if meta.doc_type in DOC_TYPES else len(DOC_TYPES) - 1,
                    key=f"up_type_{i}",
                )
                entries.append((uploaded, title, municipality, year, doc_type))
            submitted = st.form_submit_button("Toevoegen")
        if submitted:
            add_uploaded(assistant, settings, entries)


def add_uploaded(assistant: Any, settings: Settings, entries: list) -> None:
    """Start indexing the uploaded files in the background and return at once.

    The files are checked here (the year field), then handed to an IndexingJob
    (assistant/background.py) that adds them one by one (a rejected file does not block the
    others) while the chat keeps answering from the index it has; `indexing_panel` shows
    its progress. A file already in the corpus with other metadata has its metadata
    corrected (as `assistant add` does); one there with the same metadata changes nothing.
    """
    from assistant.background import Entry, IndexingJob

    jobs: list[Entry] = []
    for uploaded, title, municipality, year, doc_type in entries:
        name = safe_file_name(uploaded.name)
        year = year.strip()
        if year and not (year.isdigit() and len(year) == 4):
            st.error(f"{escape_markdown(name)}: het jaar moet vier cijfers zijn (bijvoorbeeld 2024).")
            continue
        overrides = {
            k: v
            for k, v in {
                "title": title.strip() or None,
                "municipality": municipality.strip() or None,
                "year": int(year) if year else None,
                "doc_type": doc_type,
            }.items()
            if v is not None
        }
        jobs.append(Entry(name, uploaded.getvalue(), overrides))
    if not jobs:
        return
    slot = assistant_slot(settings.app_factory.strip(), settings)
    job = IndexingJob(
        assistant, jobs, on_loaded=lambda loaded: _replace_in_slot(slot, loaded), corpus_dir=Path(settings.corpus_dir)
    )
    st.session_state["indexing_job"] = job.start()


def _indexing_summary(job: Any) -> None:
    """What a finished job did, shown once (the job is then dropped from the session)."""
    outcomes = job.snapshot().outcomes
    counts = {s: sum(o.status == s for o in outcomes) for s in ("added", "updated")}
    for o in outcomes:
        if o.status == "refused":
            st.error(escape_markdown(o.message))
        elif o.status in ("unchanged", "cancelled"):
            st.info(escape_markdown(o.message))
    done = [f"{n} document(en) {verb}" for n, verb in ((counts["added"], "toegevoegd"), (counts["updated"], "bijgewerkt")) if n]
    if done:
        st.session_state["uploader_seq"] += 1
        st.session_state.pop("detected", None)
        st.success(" en ".join(done) + ". Ze doen mee vanaf de volgende vraag.")


def _fragment_run() -> bool:
    """True when only fragments are being rerun (not the whole page): a full rerun from
    there cannot lose a question typed in this run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and getattr(ctx, "fragment_ids_this_run", None))


@st.fragment(run_every=1.0)
def indexing_panel() -> None:
    """The running upload: file, stage (lezen, embedden …), progress, time left, cancel.

    Redrawn every second on its own (a fragment), so the rest of the page, the chat
    included, stays usable; when the job ends the whole page reruns once to use the index
    that now holds the new documents.
    """
    from assistant.background import format_eta

    job = st.session_state.get("indexing_job")
    if job is None:
        return
    snap = job.snapshot()
    if not snap.running:
        st.session_state.pop("indexing_job", None)
        st.session_state["indexing_done"] = job
        if _fragment_run():
            st.rerun()  # the whole page, with the new index and the summary
        return
    with st.container(border=True):
        st.markdown(f"**Indexeren {snap.file_number}/{snap.files}: {escape_markdown(snap.file)}**")
        st.progress(snap.fraction)
        st.text(snap.stage)
        if snap.eta_seconds is not None:
            st.caption(f"Resterende tijd: {format_eta(snap.eta_seconds)}")
        st.caption("U kunt intussen vragen stellen; de antwoorden komen uit de documenten die al in de index staan.")
        if snap.cancelling:
            st.caption("Wordt geannuleerd…")
        elif st.button("Annuleren", key="indexing_cancel"):
            job.cancel()


# ---------------------------------------------------------------------------- answers
def render_budget(answer: Answer, assistant: Any, key: int) -> None:
    facts = answer.facts
    if answer.ambiguous:
        st.warning("Meerdere cellen passen even goed bij de vraag; kies hieronder het bedoelde cijfer.")
    first = facts[0]
    label = " — ".join(x for x in (first.row, first.column) if x) or "Bedrag"
    st.metric(escape_markdown(label), fact_figure(first))
    card = figure_card(first)
    if card:
        st.markdown(f"**{escape_markdown(card)}**")
    caption = f"Zoals gedrukt: {first.raw} ({first.unit})"
    if first.table:
        caption += f" · tabel: {first.table}"
    st.caption(escape_markdown(caption))
    if answer.calculation is not None:
        calc = answer.calculation
        st.markdown(
            f"**Berekening:** {escape_markdown(calc.description)}  \n"
            f"{escape_markdown(calc.expression)} = **{escape_markdown(dutch_number(calc.result))}**"
        )
    render_candidates(answer, key)
    shown: set[str] = set()
    for fact in facts:
        if not fact.table_id or fact.table_id in shown:
            continue
        shown.add(fact.table_id)
        try:
            frame = assistant.table_frame(fact.table_id)
        except Exception:  # noqa: BLE001
            log.exception("table_frame failed")
            frame = None
        if frame is None or frame.empty:
            continue
        st.markdown(f"**Tabel: {escape_markdown(fact.table or 'bron')}** ({escape_markdown(fact.unit)})")
        # The default height shows ten rows, which can hide the highlighted cell; a table of
        # ordinary size is shown whole, a very long one scrolls.
        height = "content" if len(frame) <= FULL_TABLE_ROWS else "auto"
        st.dataframe(highlighted_table(frame, fact.row, fact.column), width="stretch", height=height)
        series = year_series(frame, fact.row)
        if series is not None:
            st.caption(escape_markdown(f"{fact.row} over de jaren ({fact.unit})"))
            st.bar_chart(series, height=220)


def choose_candidate(turn_key: int, index: int) -> None:
    st.session_state["pending_choice"] = (turn_key, index)


def render_candidates(answer: Answer, key: int) -> None:
    """Each other figure the answer offers is a button; clicking one answers with it."""
    candidates = candidate_facts(answer)
    if not candidates:
        return
    st.markdown("**Welk cijfer bedoelt u?**" if answer.ambiguous else "**Andere cijfers die ook passen**")
    for i, fact in enumerate(candidates):
        label = f"{fact_figure(fact)} — {figure_card(fact) or fact.row}"
        st.button(escape_markdown(label), key=f"candidate_{key}_{i}", on_click=choose_candidate, args=(key, i))


def chosen_turn(turns: list[ChatTurn], choice: tuple[int, int]) -> Turn | None:
    """The turn that answers with the candidate figure the user clicked (None when the
    turn it came from is gone, e.g. after "Nieuw gesprek")."""
    turn_key, index = choice
    source = next((c.turn.answer for c in turns if c.key == turn_key and c.turn.answer is not None), None)
    if source is None:
        return None
    candidates = candidate_facts(source)
    if not 0 <= index < len(candidates):
        return None
    answer = chosen_answer(source, candidates[index])
    return Turn(question=answer.question, answer=answer)


# ---------------------------------------------------------------------------- sources
MIME_TYPES = {
    "pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html", "htm": "text/html", "txt": "text/plain", "md": "text/markdown",
}


def page_cache_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "pages"


def find_document(assistant: Any, doc_id: str) -> Document | None:
    lookup = getattr(assistant, "document", None)
    return lookup(doc_id) if callable(lookup) else None


def show_page(view: Any) -> None:
    from assistant.pageview import PageView

    assert isinstance(view, PageView)
    if view.note:
        st.info(view.note)
    if view.detail is not None:
        st.image(view.detail, caption="Uitsnede rond de markering", width="stretch", output_format="PNG")
    st.image(view.png, caption=f"Pagina {view.page} van {view.pages}", width="stretch", output_format="PNG")


def render_source(assistant: Any, settings: Settings, citation: Any, facts: tuple[BudgetFact, ...], key: str) -> None:
    """The opened source: for a PDF the page with the cell or sentence marked, for a text
    document the passage in its surrounding text; then a download of the original."""
    from assistant.pageview import citation_view, original_bytes, text_context

    chunk = citation.passage.chunk
    document = find_document(assistant, chunk.doc_id)
    if document is None:
        st.warning("Dit document staat niet meer in de documenten; de bron kan niet worden geopend.")
        return
    try:
        data: bytes | None = original_bytes(settings.corpus_dir, document)
    except CorpusError as exc:
        st.warning(escape_markdown(str(exc)))
        data = None
    if document.path.lower().endswith(".pdf"):
        if data is not None:
            try:
                with st.spinner("De pagina wordt geladen…"):
                    view = citation_view(data, document, citation, facts, page_cache_dir(settings))
                show_page(view)
            except CorpusError as exc:
                st.warning(escape_markdown(str(exc)))
            except Exception:  # noqa: BLE001 - a damaged page costs the picture, never the page
                log.exception("rendering page failed")
                st.warning("De pagina kon niet worden getoond.")
    else:
        snippet, start, end, cut_before, cut_after = text_context(
            document.text, citation.sentence_start, citation.sentence_end
        )
        prefix, suffix = ("… " if cut_before else ""), (" …" if cut_after else "")
        st.caption("De passage in de omringende tekst:")
        st.markdown(
            passage_html(prefix + snippet + suffix, (start + len(prefix), end + len(prefix))).replace(
                'class="bron-tekst"', 'class="bron-tekst bron-context"'
            ),
            unsafe_allow_html=True,
        )
    if data is not None:
        ext = document.path.rsplit(".", 1)[-1].lower()
        st.download_button(
            f"Origineel downloaden ({escape_markdown(document.path)})", data=data, file_name=document.path,
            mime=MIME_TYPES.get(ext, "application/octet-stream"), key=f"download_{key}", on_click="ignore",
        )


def render_passages(answer: Answer, assistant: Any = None, settings: Settings | None = None, key: int = 0) -> None:
    if answer.citations:
        st.markdown("**Bronnen**")
        for citation in answer.citations:
            source_key = f"source_{key}_{citation.n}"
            # Opening the expander reruns the page; only then is the page rendered.
            label = source_label(citation.passage, citation.n, citation_page(citation, answer.facts))
            with st.expander(label, key=source_key, on_change="rerun") as box:
                chunk = citation.passage.chunk
                if chunk.context:
                    st.caption(escape_markdown(chunk.context))
                st.markdown(passage_html(chunk.text, citation_highlight(citation)), unsafe_allow_html=True)
                st.caption(f"Document: {escape_markdown(chunk.doc_id)} · tekens {chunk.start}–{chunk.end}")
                if box.open and settings is not None:
                    render_source(assistant, settings, citation, answer.facts, source_key)
    elif answer.abstained and answer.passages:
        st.markdown("**Mogelijk relevant**")
        for passage in answer.passages[:3]:
            with st.expander(source_label(passage)):
                st.markdown(passage_html(passage.chunk.text), unsafe_allow_html=True)


def render_feedback(chat: ChatTurn, settings: Settings) -> None:
    answer = chat.turn.answer
    assert answer is not None
    rating = st.feedback("thumbs", key=f"feedback_{chat.key}")
    if rating is None:
        return
    store = FeedbackStore(settings.feedback_db)
    try:
        if chat.feedback_id is None:
            chat.feedback_id = store.add(
                answer.question or chat.turn.question,
                answer.resolved_question,
                answer.text,
                sources_json(answer),
                rating,
            )
            chat.feedback_rating = rating
        elif rating != chat.feedback_rating:
            store.update(chat.feedback_id, rating=rating)
            chat.feedback_rating = rating
        comment = st.text_input(
            "Toelichting (optioneel)",
            key=f"feedback_comment_{chat.key}",
            placeholder="Wat klopte er wel of niet?",
            max_chars=2000,
        )
        if comment != chat.feedback_comment:
            store.update(chat.feedback_id, comment=comment)
            chat.feedback_comment = comment
    except Exception:  # noqa: BLE001
        log.exception("storing feedback failed")
        st.warning("De feedback kon niet worden opgeslagen.")
        return
    st.caption("Bedankt voor je feedback.")


def render_turn(chat: ChatTurn, assistant: Any, settings: Settings) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(chat.turn.question, keep_newlines=True).replace("\n", "  \n"))
    with st.chat_message("assistant"):
        answer = chat.turn.answer
        if answer is None:
            st.error(escape_markdown(chat.turn.error) if chat.turn.error else GENERIC_ERROR)
            return
        if answer.notice:
            st.info(escape_markdown(answer.notice))
        st.markdown(answer_html(answer.text), unsafe_allow_html=True)
        meta = f"Gezocht op: {escape_markdown(answer.resolved_question or answer.question)}"
        used = filters_text(answer.filters)
        meta += f" · Filters: {escape_markdown(used)}" if used else " · Filters: geen"
        st.caption(meta)
        # A turn stays in the conversation and is drawn on every rerun: an odd table or
        # passage must cost one part of one answer, never the whole page.
        try:
            if answer.facts:
                render_budget(answer, assistant, chat.key)
        except Exception:  # noqa: BLE001
            log.exception("rendering budget facts failed")
            st.warning("De tabel bij dit antwoord kon niet worden getoond.")
        try:
            render_passages(answer, assistant, settings, chat.key)
        except Exception:  # noqa: BLE001
            log.exception("rendering sources failed")
            st.warning("De bronnen bij dit antwoord konden niet worden getoond.")
        render_feedback(chat, settings)


def ask(assistant: Any, question: str, filters: Filters) -> Turn:
    history = [c.turn.question for c in st.session_state["turns"]]
    try:
        with st.spinner("Zoeken in de documenten…"):
            answer = assistant.ask(question, history=history, filters=filters)
    except CorpusError as exc:
        return Turn(question=question, error=str(exc))
    except Exception:  # noqa: BLE001 - never show a stack trace
        log.exception("ask failed")
        return Turn(question=question, error=GENERIC_ERROR)
    from assistant.background import indexing_notice

    job = st.session_state.get("indexing_job")
    notice = indexing_notice(job.snapshot() if job is not None else None)
    if notice:
        answer = dataclasses.replace(answer, notice=f"{notice} {answer.notice}".strip())
    return Turn(question=question, answer=answer)


# ---------------------------------------------------------------------------- page
def load_settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        st.error(escape_markdown(str(exc)))
        st.stop()
        raise  # unreachable; st.stop raises


def main() -> None:
    st.set_page_config(page_title="Gemeente-assistent", page_icon="📑", layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)
    init_state()
    settings = load_settings()
    st.title("Gemeente-assistent")
    st.caption(
        "Vraag naar doelen, maatregelen en bedragen in begrotingen en rapportages van gemeenten. "
        "Elk antwoord verwijst naar de passage of tabelcel waar het vandaan komt."
    )
    assistant = get_assistant(settings)
    if assistant is None:
        st.stop()
    show_stale_notice(assistant)

    with st.sidebar:
        filters = sidebar_filters(assistant)
        st.button("Nieuw gesprek", on_click=new_conversation, width="stretch")
        # Filled at the end of the run, when this run's new turn is known.
        export_slot = st.empty()
        st.divider()
        sidebar_documents(assistant)
        sidebar_upload(assistant, settings)

    turns: list[ChatTurn] = st.session_state["turns"]
    for chat in turns:
        render_turn(chat, assistant, settings)

    typed = st.chat_input("Stel een vraag over de documenten…", max_chars=2000)
    question = (typed or st.session_state.pop("pending_question", None) or "").strip()
    choice = st.session_state.pop("pending_choice", None)

    if not turns and not question and not choice:
        st.markdown("**Voorbeeldvragen**")
        try:
            docs = assistant.documents()
            examples = example_questions([d.meta for d in docs], with_tables=[d.meta for d in docs if d.tables])
        except Exception:  # noqa: BLE001
            examples = example_questions([])
        for i, example in enumerate(examples):
            st.button(example, key=f"example_{i}", on_click=ask_example, args=(example,))

    turn = ask(assistant, question, filters) if question else chosen_turn(turns, choice) if choice else None
    if turn is not None:
        st.session_state["turn_seq"] += 1
        chat = ChatTurn(key=st.session_state["turn_seq"], turn=turn)
        turns.append(chat)
        render_turn(chat, assistant, settings)

    if turns:
        export_slot.download_button(
            "Gesprek exporteren (Markdown)",
            data=conversation_markdown([c.turn for c in turns]),
            file_name="gesprek-gemeente-assistent.md",
            mime="text/markdown",
        )


main()
