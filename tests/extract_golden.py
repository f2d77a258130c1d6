"""Golden data for extraction of the five bundled lists, and the script that rewrites it.

    .venv/bin/python tests/extract_golden.py        # rewrite tests/golden/extract/*.json

Each golden file pins a list's entry count, link counts by role, flag and skip counts, every
entry's (line, title, venue, year), and a hand-picked sample of links (the traps and one of
each layout), each checked by hand against the source file. The sample's keys (line, URL)
live here; rewriting refreshes what extraction says about them, so a change shows up in
`git diff` for a person to check again.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GOLDEN_DIR = REPO / "tests" / "golden" / "extract"
REGISTRY = REPO / "sources" / "sources.yaml"

# (line, URL[, n]) of the sampled links, per list; n picks the n-th link (0-based) when a
# line holds the same URL more than once. Chosen by hand: each layout once, every trap.
SAMPLES: dict[str, list[tuple[int, str] | tuple[int, str, int]]] = {
    "awesome-talking-head-generation": [
        (1, "https://cdn.rawgit.com/sindresorhus/awesome/d7305f38d29fed78fa85652e3a63e154dd8e8829/media/badge.svg"),
        (9, "https://www.mmlab-ntu.com"),
        (13, "https://www.robots.ox.ac.uk/~vgg/data/voxceleb/vox1.html"),
        (39, "https://openaccess.thecvf.com/content_ICCV_2019/papers/Zakharov_Few-Shot_Adversarial_Learning_of_Realistic_Neural_Talking_Head_Models_ICCV_2019_paper.pdf"),
        (40, "https://arxiv.org/abs/1812.08861"),
        (45, "https://arxiv.org/abs/2008.07783"),
        (47, "https://arxiv.org/abs/1911.08139"),
        (121, ""),
        (141, "https://huggingface.co/spaces/CVPR/ml-talking-face"),
        (157, "https://ait.ethz.ch/projects/2022/IMavatar/"),
        (168, ""),
        (174, "https://arxiv.org/pdf/2005.03201v1.pdf"),
    ],
    "face-reenactment-notes": [
        (10, "https://liuziwei7.github.io/publications.html"),
        (16, "https://arxiv.org/abs/2011.15126"),
        (22, "https://arxiv.org/abs/2303.07697"),
        (30, "https://github.com/aioz-ai/AudioDrivenStyleTransfer"),
        (42, "https://www.youtube.com/watch?v=mO2Tjcwr4u8"),
        (51, "https://arxiv.org/abs/2301.01081"),
        (59, "https://openreview.net/forum?id=YfwMIDhPccD"),
        (163, "https://openaccess.thecvf.com/content/CVPR2022/papers/Liang_Expressive_Talking_Head_Generation_With_Granular_Audio-Visual_Control_CVPR_2022_paper.pdf"),
        (168, "https://samsunglabs.github.io/MegaPortraits/"),
        (249, "http://miaowang.me/papers/advp_authors.pdf"),
    ],
    "awesome-talking-face-generation": [
        (11, "http://www.cjig.cn/jig/ch/reader/view_abstract.aspx?file_no=20220906"),
        (26, "https://sstzal.github.io/DiffTalk/"),
        (100, "https://huggingface.co/spaces/CVPR/ml-talking-face"),
        (144, "https://github.com/facebookresearch/meshtalk"),
        (187, "https://arxiv.org/abs/2008.07783"),
        (209, "http://www.stulyakov.com/papers/monkey-net.html"),
        (217, "https://papers.nips.cc/paper/8768-face-reconstruction-from-voice-using-generative-adversarial-networks.pdf"),
        (217, "https://arxiv.org/pdf/1804.04786.pdf"),
        (222, "https://drive.google.com/file/d/1jQ6d76T5GQuvQH4dq8_Wq1T0cxvN0_xp/view"),
        (226, "https://arxiv.org/abs/2304.11093"),
        (256, "https://arxiv.org/pdf/1801.03924.pdf"),
    ],
    "awesome-generative-ai-talking-head": [
        (45, "https://arxiv.org/abs/2404.10667"),
        (55, "https://github.com/OpenTalker/SadTalker"),
        (64, "https://plyon1.github.io/Text2Lip/"),
        (76, "https://github.com/Rudrabha/Wav2Lip"),
        (86, "https://www.d-id.com/"),
        (98, "https://www.robots.ox.ac.uk/~vgg/data/voxceleb/"),
        (114, "https://github.com/tcwang0509/TalkingHead-1KH"),
        (218, "https://github.com/Mrkomiljon/awesome-generative-ai/blob/main/docs/tts.md"),
        (222, "https://github.com/Mrkomiljon/awesome-generative-ai/blob/main/docs/transformers.md"),
    ],
    "awesome-avatar": [
        (19, "https://arunmallya.github.io/"),
        (27, "https://www.youtube.com/watch?v=0_OmVhDgYuY"),
        (31, "https://arxiv.org/abs/2301.06281", 1),  # CodeTalker, with DPE's arXiv ID
        (35, "https://github.com/Jason-cs18/awesome-avatar"),
        (37, "https://img.shields.io/github/stars/Rudrabha/Wav2Lip.svg"),
        (41, "https://github.com/OpenTalker/video-retalking"),
        (43, "https://github.com/Winfredy/SadTalker"),
        (43, "https://img.shields.io/github/stars/OpenTalker/SadTalker.svg"),
        (85, "https://www.robots.ox.ac.uk/~vgg/data/voxceleb/vox1.html"),
        (142, "https://github.com/SpringHuo/MAVD"),
        (241, "https://github.com/Rudrabha/Wav2Lip/tree/master/evaluation"),
        (264, "https://github.com/open-mmlab/mmagic"),
    ],
}  # fmt: skip


def _load() -> list[Any]:
    sys.path.insert(0, str(REPO / "src"))
    from linkwarden.extract import extract
    from linkwarden.sources import load_registry, read_source

    return [extract(read_source(source)) for source in load_registry(REGISTRY)]


def sample_rows(
    extracted: Any, keys: list[tuple[int, str] | tuple[int, str, int]]
) -> list[dict[str, Any]]:
    """The sampled links as plain data, one row per key."""
    rows: list[dict[str, Any]] = []
    for key in keys:
        line, url = key[0], key[1]
        nth = key[2] if len(key) > 2 else 0  # type: ignore[misc]
        matches = [link for link in extracted.links if link.line == line and link.url == url]
        if len(matches) <= nth:
            rows.append({"line": line, "url": url, "missing": True})
            continue
        link = matches[nth]
        entry = extracted.entry_of(link)
        rows.append(
            {
                "line": link.line,
                "url": link.url,
                "role": link.role.value,
                "entry": entry.title if entry is not None else None,
                "text": link.text,
                "syntax": link.syntax,
                "flags": sorted(link.flags),
                "wrapper": link.wrapper,
                "badge_repo": link.badge_repo,
            }
        )
    return rows


def golden_of(extracted: Any) -> dict[str, Any]:
    name = extracted.source.name
    return {
        "list": name,
        "entries": len(extracted.entries),
        "links": len(extracted.links),
        "links_by_role": dict(sorted(Counter(link.role.value for link in extracted.links).items())),
        "flags": dict(sorted(Counter(f for link in extracted.links for f in link.flags).items())),
        "wrapped": sum(1 for link in extracted.links if link.wrapper),
        "skipped": dict(sorted(Counter(s.reason for s in extracted.skipped).items())),
        "sample": sample_rows(extracted, SAMPLES.get(name, [])),
        "entry_list": [
            [e.line, e.title, e.venue, e.year, " > ".join(e.section)] for e in extracted.entries
        ],
    }


def main() -> int:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for extracted in _load():
        path = GOLDEN_DIR / f"{extracted.source.name}.json"
        path.write_text(
            json.dumps(golden_of(extracted), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
