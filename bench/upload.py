"""Benchmark: a Word file back to proposals, next to rendering the same strategy.

Run: ``.venv/bin/python bench/upload.py`` (from the project root). For a ~60-page and a
~300-page strategy (``worker/renderer/sample.py`` poured into a demo cluster, as
``bench/pipeline.py`` does), it renders a version as the worker would, edits it as a
person would in Word (a sentence, a SWOT strength, an action row, a comment:
``tests/web/test_word_roundtrip.edit_like_a_person``) and times, best of 3 (a new file
each time, so none is the same upload twice):

- rendering the version's snapshot (``render_strategy``, charts included);
- the upload through the API, ``POST /api/v1/clusters/SLUG/uploads``, until its answer
  (file checks, reading both files, deciding the proposals, writing them): SQLite;
- of which the pure part: reading the uploaded and the version's files
  (``worker/renderer/reader``) and reconciling every section (``webapp/uploads/reconcile``).
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.pipeline import _pour  # noqa: E402
from bench.render import best_of  # noqa: E402
from worker.renderer import render_strategy  # noqa: E402
from worker.renderer.reader import marked_sections, read_blocks  # noqa: E402
from worker.renderer.sample import sample_snapshot  # noqa: E402

SLUG = "makros"
SIZES = (("~60 pages", 40, 200), ("~300 pages", 200, 1000))
if "--quick" in sys.argv:
    SIZES = SIZES[1:]
REPEAT = 3


def _unique(data: bytes, number: int) -> bytes:
    document = docx.Document(io.BytesIO(data))
    document.core_properties.title = f"bench {number}"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def measure(label: str, sections: int, actions: int) -> dict:
    from tests.conftest import api_token, bearer, build_database, make_app
    from tests.web import test_word_roundtrip as roundtrip
    from webapp.documents import operations as documents
    from webapp.extensions import db
    from webapp.models import Cluster, Document
    from webapp.uploads.reconcile import proposed_content

    roundtrip.SLUG = SLUG
    folder = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    url = f"sqlite:///{folder / 'studio.db'}"
    build_database(url)
    app = make_app(url)
    _pour(app, sample_snapshot(sections=sections, actions=actions))
    with app.app_context():
        cluster = db.session.scalar(select(Cluster).where(Cluster.slug == SLUG))
        document = documents.request_document(cluster, None).document
        snapshot = document.snapshot
        data = render_strategy(snapshot)
        documents.finish(document.id, data)
        db.session.commit()
        document_id = document.id
    render_time, _ = best_of(lambda: render_strategy(snapshot))
    edited, _texts = roundtrip.edit_like_a_person(data)
    pages = len(docx.Document(io.BytesIO(data)).paragraphs) // 25  # an estimate, printed as such

    def pure() -> int:
        before, after = marked_sections(read_blocks(data)), marked_sections(read_blocks(edited))
        shown = {s["key"]: s for st in snapshot["stages"] for s in st["sections"]}
        goals = next((s["content"] for s in shown.values() if s["kind"] == "goals"), None)
        changed = 0
        for key, section in after.items():
            was = shown[key]
            content = proposed_content(
                was["kind"], was["content"], before[key].blocks, section.blocks, goals=goals
            )
            changed += content is not None
        return changed

    pure_time, changed = best_of(pure)
    client = app.test_client()
    headers = bearer(api_token(client, _member_email(app)))
    files = [_unique(edited, n) for n in range(REPEAT)]
    times = []
    for body in files:
        start = time.perf_counter()
        answer = client.post(
            f"/api/v1/clusters/{SLUG}/uploads",
            data={"file": (io.BytesIO(body), "strategia.docx")},
            headers=headers,
            content_type="multipart/form-data",
        )
        times.append(time.perf_counter() - start)
        assert answer.status_code == 201, answer.get_json()
        made = len(answer.get_json()["proposals"])
        refused = [(u["title"], u["reason"][:80]) for u in answer.get_json()["unmatched"]]
    with app.app_context():
        size = db.session.get(Document, document_id).size
    return {
        "label": label,
        "pages": pages,
        "size": size,
        "render": render_time,
        "upload": min(times),
        "pure": pure_time,
        "proposals": made,
        "changed": changed,
        "refused": refused,
    }


def _member_email(app) -> str:  # noqa: ANN001
    from webapp.extensions import db
    from webapp.models import Cluster, Membership, User

    with app.app_context():
        return db.session.scalar(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .join(Cluster, Cluster.id == Membership.cluster_id)
            .where(Cluster.slug == SLUG, Membership.role == "member")
            .limit(1)
        )


def main() -> None:
    results = [measure(*size) for size in SIZES]
    print(f"{'':14}{'render':>10}{'upload→proposals':>20}{'of which read+reconcile':>26}{'proposals':>11}")
    for r in results:
        print(
            f"{r['label']:14}{r['render']:>9.2f}s{r['upload']:>19.2f}s{r['pure']:>25.2f}s"
            f"{r['proposals']:>11}   (DOCX {r['size'] / 1024:.0f} KB, ratio upload/render "
            f"{r['upload'] / r['render']:.2f})"
        )
        for title, reason in r["refused"]:
            print(f"{'':14}not proposed: {title}: {reason}")


if __name__ == "__main__":
    main()
