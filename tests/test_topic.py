from pathlib import Path

import pytest

from crawler.topic import TopicError, load_topic

TOPIC = load_topic(Path(__file__).parents[1] / "datasets" / "topics" / "tiktok-ban.toml")


@pytest.mark.parametrize(
    "kwargs, term",
    [
        ({"text": "I am a TikTok refugee now"}, "TikTok refugee"),
        ({"text": "the tiktokrefugees have arrived"}, "TikTok refugee"),
        ({"text": "Hello #TikTokRefugee"}, "TikTok refugee"),
        ({"tags": ["TikTokRefugeeLife"]}, "TikTok refugee"),
        ({"tags": ["tiktokrefugees"]}, "TikTok refugee"),
        ({"text": "downloaded Red Note today"}, "RedNote"),
        ({"text": "我在小紅書上看到"}, "小红书"),  # traditional characters
        ({"text": "关于tiktok难民的讨论"}, "TikTok难民"),  # no word boundaries in Chinese
        ({"title": "TikTok v. Garland decided"}, "TikTok v. Garland"),
        ({"text": "The Supreme Court heard the TikTok case"}, "Supreme Court + TikTok"),
    ],
)
def test_relevant(kwargs, term):
    m = TOPIC.match(**kwargs)
    assert m.relevant and term in m.terms


@pytest.mark.parametrize(
    "kwargs",
    [
        {"text": "The Supreme Court ruled on a tax case"},  # context term alone
        {"title": "Quotations from the Little Red Book"},  # Mao's book, not the app
        {"tags": ["bArednotes"]},  # "rednote" not on a CamelCase boundary
        {"text": "tiktokban2020 is not a word boundary match: xtiktok ban"},
        {"text": "Lemon8 is a photo app"},
        {},
    ],
)
def test_not_relevant(kwargs):
    m = TOPIC.match(**kwargs)
    assert not m.relevant and m.terms == [] and m.where == {}


def test_records_where_terms_matched():
    m = TOPIC.match(title="RedNote surge", text="Many TikTok refugees arrived.", tags=["猫税"])
    assert m.where["title"] == ["RedNote"]
    assert "TikTok refugee" in m.where["text"]
    assert m.where["tags"] == ["猫税"]
    assert m.terms[:2] == ["TikTok refugee", "RedNote"]  # anchors in topic-file order, then context
    assert "猫税" in m.terms


def test_bad_topic_files(tmp_path):
    with pytest.raises(TopicError, match="not found"):
        load_topic(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[terms]\nanchors = []\n")
    with pytest.raises(TopicError, match="anchors is empty"):
        load_topic(bad)
    bad.write_text('[topic]\nsince = "Jan 2025"\n[terms]\nanchors = ["x"]\n')
    with pytest.raises(TopicError, match="since"):
        load_topic(bad)


def test_hashtag_answers_are_remembered_and_bounded(monkeypatch):
    import crawler.topic as topic_module

    monkeypatch.setattr(topic_module, "TAG_CACHE_SIZE", 2)
    topic = load_topic(Path(TOPIC.path))  # a fresh topic: an empty cache
    tags = ["TikTokRefugeeLife", "bArednotes", "猫税", "RedNote", "TikTokRefugeeLife", "bArednotes"]
    found = [topic.match(tags=[t]).terms for t in tags]
    assert "TikTok refugee" in found[0] and found[4] == found[0]  # the same answer after eviction
    assert found[1] == found[5] == []
    assert found[3] == ["RedNote"]
    assert 0 < len(topic._tag_cache) <= 2
