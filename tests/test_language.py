import py3langid
import pytest

from crawler.items import Post
from crawler.language import MIN_BATCH, by_script, detect_lang, detect_langs, identify
from crawler.storage import Store
from pipelines.normalise import normalise_post

SENTENCES = {
    "en": "Just moved to RedNote as a TikTok refugee and everyone is asking about grocery prices",
    "es": "Acabo de llegar a RedNote como refugiada de TikTok y todos preguntan por el precio del alquiler",
    "fr": "Je viens d'arriver sur RedNote, réfugiée de TikTok, et tout le monde parle du prix des loyers",
    "de": "Ich bin gerade als TikTok-Flüchtling zu RedNote gekommen und alle fragen nach den Mieten",
    "pt": "Acabei de chegar ao RedNote como refugiada do TikTok e todos perguntam sobre o aluguel",
    "it": "Sono appena arrivata su RedNote come rifugiata di TikTok e tutti chiedono degli affitti",
    "ru": "Я только что перешла в RedNote как беженка из TikTok, и все спрашивают про аренду",
    "ja": "TikTok難民として小紅書に来ました。みんな家賃のことを聞いてくれます",
    "ko": "틱톡 난민으로 샤오홍슈에 왔어요. 다들 월세가 얼마인지 물어봐요",
}


def test_detect_lang_rules():
    assert detect_lang("我是一个TikTok难民，来小红书了") == "zh"
    assert detect_lang("TikTok 下线了。小红书上的新朋友们，我们明天见！", "ja") == "zh"  # no kana
    assert detect_lang("Hello from Ohio, I am a TikTok refugee on RedNote", "en-US") == "en"
    assert detect_lang("ok", "EN") == "en"  # too short to detect: keep the declared language
    assert by_script("ok") == (None, None)  # too short and nothing declared: unknown, no identifier
    assert by_script("Hello from Ohio, I am a TikTok refugee") == (None, "Hello from Ohio, I am a TikTok refugee")


def _samples():
    """Whole sentences, their halves and word salads: short, long, ASCII and multi-byte."""
    out = []
    for text in SENTENCES.values():
        words = text.split()
        out += [text, text[: len(text) // 2], " ".join(reversed(words)), " ".join(words[::2]), text.upper()]
    return out


def test_batch_identifier_gives_py3langids_answers():
    samples = _samples()
    assert len(samples) >= MIN_BATCH  # the vectorised path, not the per-text fallback
    expected = [py3langid.classify(s)[0] for s in samples]
    assert identify(samples) == expected
    assert {"en", "es", "fr", "de", "ru", "ja", "ko"} <= set(expected)  # a real mix, not one answer


def test_batch_identifier_order_and_empty_inputs():
    samples = _samples()
    assert identify(samples[::-1]) == identify(samples)[::-1]  # answers follow their inputs
    assert identify([]) == []
    mixed = [*samples, "", "   ", "12345"] * 2
    assert identify(mixed) == [py3langid.classify(s)[0] for s in mixed]  # featureless text included


def test_detect_langs_equals_detect_lang_per_text():
    texts = [*SENTENCES.values(), "我是一个TikTok难民，来小红书了", "ok", None, ""] * 3
    declared = ["en", None, "fr", "ja", None, None, "zh", None, "es", None, "EN", None, None] * 3
    assert detect_langs(texts, declared) == [detect_lang(t, d) for t, d in zip(texts, declared, strict=True)]


def test_normalise_decides_every_language_once(tmp_path):
    posts = [
        normalise_post(
            Post(
                platform="mastodon",
                platform_id=f"https://m.example/users/a/statuses/{i}",
                text=f"{text} #TikTokRefugee {i}",
            )
        )
        for i, text in enumerate(SENTENCES.values())
    ]
    assert [p.lang for p in posts] == list(SENTENCES)  # decided by normalise, before the store
    with Store.open(tmp_path / "t.db") as store:
        store.write_batch(posts, "run-1")
        langs = dict(store.db.execute("SELECT platform_id, lang FROM posts").fetchall())
    assert [langs[p.platform_id] for p in posts] == list(SENTENCES)


@pytest.mark.parametrize("declared", ["zh", "ja", "zh-CN"])
def test_chinese_labelled_by_platform_is_settled_by_script(declared):
    lang, sample = by_script("欢迎来到小红书美国朋友们今天我们一起对账房租", declared)
    assert (lang, sample) == ("zh", None)
