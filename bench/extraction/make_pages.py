"""Write the labelled benchmark pages: bench/extraction/pages/<id>.{html,bin,json}.

Every page wraps one synthetic story (stories.py) in a realistic outlet template: navigation,
cookie banner, share bars, related links, newsletter box, comments, footers. The JSON next to each
page holds the fetch context (url, content_type) and the truth: ``text`` (the story's own
paragraphs, blank-line separated: exactly what a perfect extractor returns; for a paywall page
only the visible teaser), title, authors, published_at (UTC; a bare ``YYYY-MM-DD`` when the page
shows only a day; null when the page carries no date), lang.

Run: .venv/bin/python bench/extraction/make_pages.py  (deterministic; rewrites pages/)
"""

from __future__ import annotations

import html
import json
import shutil
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stories import EN, ZH  # noqa: E402

OUT = Path(__file__).resolve().parent / "pages"
ET = timezone(timedelta(hours=-5))
CST = timezone(timedelta(hours=8))

# story index -> publication time (UTC)
EN_DATES = ["2024-03-13T19:45", "2024-04-24T16:20", "2024-12-06T15:05", "2025-01-10T20:30", "2025-01-13T22:10",
            "2025-01-14T13:00", "2025-01-16T09:40", "2025-01-19T04:35", "2025-01-21T01:15", "2025-02-18T11:00",
            "2025-09-25T21:50", "2025-01-15T17:25"]  # fmt: skip
ZH_DATES = ["2024-03-14T01:20", "2025-01-17T23:30", "2025-01-14T02:05", "2025-01-15T06:40", "2025-01-19T03:10",
            "2025-01-19T08:00", "2025-01-21T00:45", "2025-02-10T04:30", "2025-01-14T09:15", "2025-09-26T02:00",
            "2024-12-07T01:30", "2025-01-16T12:20"]  # fmt: skip

EN_OUTLETS = [("Harbor City Courier", "www.harborcourier.example"), ("Pacific Ledger", "pacificledger.example"),
              ("Evening Wire", "eveningwire.example"), ("Capital Review", "capitalreview.example"),
              ("Midwest Gazette", "midwestgazette.example"), ("Signal Post", "www.signalpost.example"),
              ("The Byte Column", "bytecolumn.example")]  # fmt: skip
ZH_OUTLETS = [("东方快讯网", "news.dongfangkx.example.cn"), ("晨星科技", "www.chenxingtech.example.com"),
              ("南方视点", "www.nanfangsd.example.cn"), ("云端日报", "yunduan.example.com"),
              ("北辰新闻网", "www.beichen.example.cn"), ("海峡时讯", "www.haixia.example.com")]  # fmt: skip

E = html.escape


def en_nav(outlet: str) -> str:
    return f"""<header class="site-header"><a class="logo" href="/">{E(outlet)}</a>
<nav class="main-nav"><ul><li><a href="/world">World</a></li><li><a href="/politics">Politics</a></li>
<li><a href="/tech">Technology</a></li><li><a href="/business">Business</a></li><li><a href="/culture">Culture</a></li>
<li><a href="/opinion">Opinion</a></li></ul><a href="/subscribe" class="btn">Subscribe</a> <a href="/login">Sign in</a></nav>
</header>
<div class="cookie-consent" role="dialog"><p>We and our partners use cookies to personalise content and ads, to provide
social media features and to analyse our traffic. You can change your choices at any time.</p>
<button>Accept all</button><button>Manage preferences</button></div>"""


def en_share() -> str:
    return """<div class="share-bar"><span>Share this article</span><a href="#">Facebook</a><a href="#">X</a>
<a href="#">LinkedIn</a><a href="#">Email</a><a href="#">Copy link</a></div>"""


def en_after(outlet: str) -> str:
    return f"""<aside class="related-stories"><h2>More on this story</h2><ul>
<li><a href="/r1">Inside the lobbying campaign to save the world's most popular video app</a></li>
<li><a href="/r2">Five things to know about the company that owns your favourite apps</a></li>
<li><a href="/r3">Creators brace for a sudden loss of income as the deadline approaches</a></li></ul></aside>
<div class="newsletter-signup"><h3>The Morning Download</h3><p>Our free newsletter brings you the day's most important
technology news, explained, every weekday morning.</p><form><input type="email" placeholder="Your email">
<button>Sign up</button></form></div>
<div class="most-read"><h3>Most read</h3><ol><li><a href="/m1">City council approves new bike lanes downtown after long debate</a></li>
<li><a href="/m2">Weekend weather: snow expected across the northern suburbs on Sunday</a></li></ol></div>
<footer class="site-footer"><ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact</a></li>
<li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of service</a></li></ul>
<p>© 2025 {E(outlet)}. All rights reserved.</p></footer>"""


def zh_nav(outlet: str) -> str:
    return f"""<div class="topbar"><a href="/">{E(outlet)}首页</a> | <a href="/news">新闻</a> | <a href="/world">国际</a> |
<a href="/tech">科技</a> | <a href="/finance">财经</a> | <a href="/ent">娱乐</a> | <a href="/login">登录</a> <a href="/reg">注册</a></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/tech">科技</a> &gt; 正文</div>"""


def zh_after(outlet: str) -> str:
    return f"""<div class="share-box">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a></div>
<div class="related-news"><h3>相关新闻</h3><ul><li><a href="/n1">美国多地网友排队体验中国社交应用 评论区热闹非凡</a></li>
<li><a href="/n2">字节跳动回应剥离传闻：目前没有出售计划</a></li><li><a href="/n3">海外应用榜单变化背后的用户心理分析</a></li></ul></div>
<div class="hot-list"><h3>热门推荐</h3><ul><li><a href="/h1">春运首日全国铁路发送旅客超千万人次</a></li>
<li><a href="/h2">多地发布寒潮预警 注意防寒保暖</a></li></ul></div>
<div class="footer"><p>关于我们 | 联系方式 | 广告服务 | 网站地图</p><p>版权所有 © 2025 {E(outlet)} 未经授权禁止转载 京ICP备00000000号</p></div>"""


def paras(ps: list[str], indent: str = "") -> str:
    return "\n".join(f"<p>{indent}{E(p)}</p>" for p in ps)


def iso(dt: datetime, tz: timezone) -> str:
    return dt.astimezone(tz).isoformat(timespec="seconds")


def en_byline(authors: list[str]) -> str:
    return "By " + " and ".join(authors)


# --- English templates: (story, outlet, host, dt) -> (html, url, content_type, expected overrides)


def t_en_jsonld(s, outlet, host, dt, slug):
    ld = {"@context": "https://schema.org", "@graph": [
        {"@type": "NewsMediaOrganization", "@id": f"https://{host}/#org", "name": outlet},
        {"@type": "WebPage", "@id": f"https://{host}/{slug}", "name": s["title"]},
        {"@type": "NewsArticle", "headline": s["title"], "datePublished": iso(dt, ET), "dateModified": iso(dt + timedelta(hours=2), ET),
         "author": [{"@type": "Person", "name": a} for a in s["authors"]], "publisher": {"@id": f"https://{host}/#org"},
         "articleSection": "Technology", "inLanguage": "en-US"}]}  # fmt: skip
    body = s["paragraphs"]
    mid = len(body) // 2
    page = f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8"><title>{E(s["title"])} | {E(outlet)}</title>
<meta name="description" content="{E(body[0][:120])}"><link rel="canonical" href="https://{host}/{slug}">
<script type="application/ld+json">{json.dumps(ld)}</script></head><body>{en_nav(outlet)}
<main id="main"><article><header class="article-header"><span class="kicker">Technology</span><h1>{E(s["title"])}</h1>
<div class="byline">{E(en_byline(s["authors"]))}</div><time datetime="{iso(dt, ET)}">{dt.astimezone(ET):%B %d, %Y}</time></header>
{en_share()}<figure><img src="/img/lead.jpg" alt=""><figcaption>A phone screen shows app icons. (Photo: Staff)</figcaption></figure>
<div class="article-body">{paras(body[:mid])}<div class="ad-container"><p>Advertisement</p></div>
<div class="inline-related"><strong>Read more:</strong> <a href="/x">How the ban fight reshaped the creator economy in one week</a></div>
{paras(body[mid:])}</div>{en_share()}</article></main>{en_after(outlet)}</body></html>"""
    return page, f"https://{host}/{slug}", "text/html; charset=utf-8", {}


def t_en_og(s, outlet, host, dt, slug):
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{E(s["title"])} - {E(outlet)}</title>
<meta property="og:type" content="article"><meta property="og:title" content="{E(s["title"])}">
<meta property="og:site_name" content="{E(outlet)}"><meta property="og:url" content="https://{host}/{slug}">
<meta property="article:published_time" content="{dt:%Y-%m-%dT%H:%M:%SZ}">
<meta name="author" content="{E(", ".join(s["authors"]))}"></head><body>{en_nav(outlet)}
<div class="container"><div class="col-main"><div class="story"><h1 class="headline">{E(s["title"])}</h1>
<p class="byline">{E(en_byline(s["authors"]))}, Staff Writer</p><p class="dateline">{dt:%b. %d, %Y}</p>
{paras(s["paragraphs"])}</div>{en_share()}</div>
<div class="col-side"><div class="widget"><h3>Trending</h3><p><a href="/t1">Local bakery wins national award for its sourdough recipe and plans expansion</a></p></div></div></div>
{en_after(outlet)}</body></html>"""
    return page, f"https://{host}/{slug}?ref=homepage", "text/html; charset=utf-8", {}


def t_en_live(s, outlet, host, dt, slug):
    entries = []
    for i, p in enumerate(reversed(s["paragraphs"])):
        t = dt + timedelta(minutes=25 * (len(s["paragraphs"]) - i))
        entries.append(f'<div class="live-post" id="p{i}"><div class="live-post__time"><time datetime="{t:%Y-%m-%dT%H:%M:%SZ}">'
                       f'{t.astimezone(ET):%I:%M %p} ET</time></div><div class="live-post__body"><p>{E(p)}</p></div>'
                       f'<div class="live-post__share"><a href="#">Share</a></div></div>')  # fmt: skip
    keys = "".join(
        f'<li><a href="#p{i}">{E(" ".join(p.split()[:7]))}</a></li>' for i, p in enumerate(s["paragraphs"][:3])
    )
    ld = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": s["title"], "datePublished": f"{dt:%Y-%m-%dT%H:%M:%SZ}",
          "author": [{"@type": "Person", "name": a} for a in s["authors"]], "publisher": {"@type": "Organization", "name": outlet}}  # fmt: skip
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Live: {E(s["title"])}</title>
<script type="application/ld+json">{json.dumps(ld)}</script></head><body>{en_nav(outlet)}
<main><h1>{E(s["title"])}</h1><p class="live-badge">LIVE</p><div class="key-events"><h2>Key events</h2><ul>{keys}</ul>
<button>Show key events only</button></div><div class="live-feed">{"".join(reversed(entries))}</div>
<button class="load-more">Load more updates</button></main>{en_after(outlet)}</body></html>"""
    return page, f"https://{host}/live/{slug}", "text/html; charset=utf-8", {"text": list(reversed(s["paragraphs"]))}


def t_en_paywall(s, outlet, host, dt, slug):
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"], "isAccessibleForFree": False,
          "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False, "cssSelector": ".locked"}}  # fmt: skip
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{E(s["title"])}</title>
<meta property="og:title" content="{E(s["title"])}"><meta property="og:site_name" content="{E(outlet)}">
<meta name="byline" content="{E(en_byline(s["authors"]))}"><meta name="pubdate" content="{dt:%Y%m%dT%H%M%SZ}">
<script type="application/ld+json">{json.dumps(ld)}</script></head><body>{en_nav(outlet)}
<article><h1>{E(s["title"])}</h1><p class="byline">{E(en_byline(s["authors"]))}</p>
<div class="teaser">{paras(s["paragraphs"][:2])}</div>
<div class="paywall-prompt"><h3>Subscribe to continue reading</h3><p>You have reached your limit of free articles this month.</p>
<p>Already a subscriber? Log in</p><p>Get unlimited digital access for just $1 a week. Cancel at any time.</p>
<a class="cta" href="/subscribe">Subscribe now</a></div></article>{en_after(outlet)}</body></html>"""
    return page, f"https://{host}/{slug}", "text/html; charset=utf-8", {"text": s["paragraphs"][:2]}


def t_en_comments(s, outlet, host, dt, slug):
    opinions = ["Honestly the ban is about data, not speech, and I don't see why people are so upset about it.",
                "I moved to RedNote for a week and learned more about daily life in China than in ten years of news.",
                "Congress should have passed a real privacy law instead of going after one single company.",
                "My small business relies on the app for almost all of our sales, so this whole thing is terrifying."]  # fmt: skip
    comments = "".join(f'<div class="comment"><span class="comment-author">user_{i:03d}</span><span class="comment-time">{i + 1} hours ago</span>'
                       f'<p>{E(opinions[i % 4])}</p><a class="reply-link">Reply</a> <span class="likes">{i * 3} likes</span></div>'
                       for i in range(45))  # fmt: skip
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{E(s["title"])} | {E(outlet)}</title>
<meta property="og:title" content="{E(s["title"])}"><meta property="og:site_name" content="{E(outlet)}">
<meta name="author" content="{E(" and ".join(s["authors"]))}"></head><body>{en_nav(outlet)}
<article class="post"><h1>{E(s["title"])}</h1><div class="post-meta">{E(en_byline(s["authors"]))} |
<time datetime="{dt:%Y-%m-%dT%H:%M:%S}+00:00">{dt:%d %B %Y}</time></div>
<div class="post-content">{paras(s["paragraphs"])}</div></article>
<section id="comments" class="comments"><h2>{45 * 7} comments</h2><div class="comment-list">{comments}</div>
<form class="comment-form"><textarea placeholder="Join the discussion"></textarea><button>Post</button></form></section>
{en_after(outlet)}</body></html>"""
    return page, f"https://{host}/{slug}", "text/html; charset=utf-8", {}


def t_en_amp(s, outlet, host, dt, slug):
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"], "datePublished": iso(dt, UTC),
          "author": [{"@type": "Person", "name": a} for a in s["authors"]], "publisher": {"@type": "Organization", "name": outlet}}  # fmt: skip
    page = f"""<!doctype html><html amp lang="en"><head><meta charset="utf-8"><title>{E(s["title"])}</title>
<link rel="canonical" href="https://{host}/{slug}.html"><script async src="https://cdn.ampproject.org/v0.js"></script>
<script type="application/ld+json">{json.dumps(ld)}</script><style amp-custom>h1{{font-size:2em}}</style></head><body>
<amp-sidebar id="menu" layout="nodisplay"><ul><li><a href="/">Home</a></li><li><a href="/tech">Tech</a></li><li><a href="/world">World</a></li></ul></amp-sidebar>
<header class="amp-header"><a href="/">{E(outlet)}</a></header><article><h1>{E(s["title"])}</h1>
<div class="amp-byline">{E(en_byline(s["authors"]))}</div>
<amp-img src="/lead.jpg" width="1200" height="675" layout="responsive" alt=""></amp-img>{paras(s["paragraphs"])}</article>
<amp-social-share type="twitter"></amp-social-share><amp-social-share type="facebook"></amp-social-share>
<footer><p>© 2025 {E(outlet)}</p><a href="https://{host}/{slug}.html">View non-AMP version</a></footer></body></html>"""
    return page, f"https://{host}/amp/{slug}.html", "text/html; charset=utf-8", {}


def t_en_nodate(s, outlet, host, dt, slug):
    page = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{E(s["title"])} | {E(outlet)}</title>
<meta property="og:site_name" content="{E(outlet)}"></head><body><div class="menu"><a href="/">Guides</a> <a href="/topics">Topics</a>
<a href="/about">About</a></div><div id="content"><h1>{E(s["title"])}</h1>{paras(s["paragraphs"])}</div>
<div class="sidebar"><h4>Popular guides</h4><ul><li><a href="/g1">How to read a court opinion without a law degree</a></li></ul></div>
<div class="footer">{E(outlet)} is maintained by volunteers. Text available under a free licence. Since 2019.</div></body></html>"""
    return page, f"https://{host}/guides/{slug}", "text/html", {"published_at": None, "authors": []}


def t_en_broken(s, outlet, host, dt, slug):
    ps = "\n".join(f"<p>{E(p)}" for p in s["paragraphs"])
    page = f"""<html><head><title>{E(s["title"])}</title>
<meta name="date" content="{dt:%Y-%m-%dT%H:%M:%SZ}">
<body bgcolor=white><table width=100%><tr><td class=nav width=150><a href=/>Home<br><a href=/politics>Politics<br><a href=/tech>Tech
<td class=main><font face=arial><h1>{E(s["title"])}</h2><b>{E(en_byline(s["authors"]))}</b>
{ps}
<div></td><td class=ads>Advertisement<br><img src=/ad.gif></td></tr></table>
<center>Contact us | Advertise with us | Back to top</center>"""
    return page, f"http://{host}/story.php?id={sum(map(ord, slug)) * 7}", "text/html; charset=ISO-8859-1", {}


def t_en_wordpress(s, outlet, host, dt, slug):
    page = f"""<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8"><title>{E(s["title"])} &#8211; {E(outlet)}</title>
<meta property="og:title" content="{E(s["title"])}"><meta property="og:site_name" content="{E(outlet)}">
<meta property="og:updated_time" content="{dt + timedelta(days=1):%Y-%m-%dT%H:%M:%S}+00:00"></head>
<body class="post-template-default single"><div id="page" class="site"><header id="masthead"><p class="site-title"><a href="/">{E(outlet)}</a></p>
<nav id="site-navigation"><ul id="primary-menu"><li><a href="/category/news/">News</a></li><li><a href="/category/analysis/">Analysis</a></li></ul></nav></header>
<div id="content" class="site-content"><main id="primary"><article class="post type-post"><header class="entry-header"><h1 class="entry-title">{E(s["title"])}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <time class="entry-date published" datetime="{dt:%Y-%m-%dT%H:%M:%S}+00:00">{dt:%B %d, %Y}</time></span>
<span class="byline"> by {" and ".join(f'<span class="author vcard"><a class="url fn n" href="/author/{i}">{E(a)}</a></span>' for i, a in enumerate(s["authors"]))}</span></div></header>
<div class="entry-content">{paras(s["paragraphs"])}
<div class="sharedaddy"><h3>Share this:</h3><ul><li><a href="#">Twitter</a></li><li><a href="#">Facebook</a></li></ul></div></div>
<footer class="entry-footer"><span class="cat-links">Posted in <a href="/category/news/">News</a></span> <span class="tags-links">Tagged <a href="/tag/rednote/">RedNote</a>, <a href="/tag/tiktok/">TikTok</a></span></footer></article>
<nav class="post-navigation"><a href="/prev">Previous: Notes from a week of reading court filings about the divestiture law</a></nav>
<div id="comments" class="comments-area"><h2 class="comments-title">3 thoughts on this post</h2><ol class="comment-list">
<li class="comment"><p>Great summary, thanks for putting the whole timeline in one place for those of us who lost track.</p></li>
<li class="comment"><p>I disagree with the framing here, the security concerns were real and were debated for years.</p></li></ol></div></main>
<aside id="secondary" class="widget-area"><section class="widget"><h2>Recent Posts</h2><ul><li><a href="/r">A reading list on platform regulation and national security law</a></li></ul></section></aside></div>
<footer id="colophon"><p>Proudly powered by WordPress</p></footer></div></body></html>"""
    return page, f"https://{host}/{dt:%Y/%m/%d}/{slug}/", "text/html; charset=UTF-8", {}


# --- Chinese templates ----------------------------------------------------------------------


def bj(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC).astimezone(CST)


def zh_author(authors: list[str], style: int) -> str:
    return ["作者：" + "、".join(authors), "记者 " + " ".join(authors), "文/" + "、".join(authors)][style % 3]


def t_zh_portal(s, outlet, host, dt, slug, i):
    d = bj(dt)
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{E(s["title"])}_{E(outlet)}</title><meta name="keywords" content="小红书,TikTok,美国" />
<meta name="description" content="{E(s["paragraphs"][0][:60])}" /></head><body>{zh_nav(outlet)}
<div class="w1000"><div class="left"><h1>{E(s["title"])}</h1>
<div class="info"><span class="time">{d:%Y年%m月%d日 %H:%M}</span>　<span class="source">来源：{E(outlet)}</span>　<span class="author">{E(zh_author(s["authors"], i))}</span></div>
<div id="artibody" class="content">{paras(s["paragraphs"], "　　")}</div>
<div class="editor">（责任编辑：{E(["王磊", "李静", "张敏"][i % 3])}）</div></div>
<div class="right"><div class="rank"><h3>排行榜</h3><ol><li><a href="/r1">今日油价调整 加满一箱少花七元</a></li><li><a href="/r2">冬季旅游热度攀升 冰雪景区迎客流高峰</a></li></ol></div></div></div>
{zh_after(outlet)}</body></html>"""
    ct = "text/html; charset=utf-8" if i % 2 else "text/html"
    return (
        page.encode("gb18030"),
        f"https://{host}/tech/{d:%Y/%m%d}/{slug}.shtml",
        ct,
        {"published_at": f"{dt:%Y-%m-%dT%H:%M}:00Z"},
    )


def t_zh_jsonld(s, outlet, host, dt, slug, i):
    d = bj(dt)
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": s["title"], "datePublished": d.isoformat(timespec="seconds"),
          "author": [{"@type": "Person", "name": a} for a in s["authors"]], "publisher": {"@type": "Organization", "name": outlet}}  # fmt: skip
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{E(s["title"])} - {E(outlet)}</title>
<meta property="og:title" content="{E(s["title"])}"><link rel="canonical" href="https://{host}/a/{slug}">
<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script></head><body>{zh_nav(outlet)}
<div class="article-wrap"><h1 class="article-title">{E(s["title"])}</h1><div class="article-meta"><span>{E(zh_author(s["authors"], i))}</span>
<span class="date">{d:%Y-%m-%d %H:%M}</span><span class="read">阅读 {1000 + i * 37}</span></div>
<div class="article-content">{paras(s["paragraphs"])}</div><div class="statement">声明：本文仅代表作者观点，不代表本站立场。</div></div>
{zh_after(outlet)}</body></html>"""
    return page.encode("utf-8"), f"https://{host}/a/{slug}", "text/html; charset=utf-8", {}


def t_zh_naive_meta(s, outlet, host, dt, slug, i):
    d = bj(dt)
    page = f"""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{E(s["title"])}｜{E(outlet)}</title>
<meta name="publishdate" content="{d:%Y-%m-%d %H:%M:%S}"><meta name="author" content="{E("、".join(s["authors"]))}">
<meta property="og:site_name" content="{E(outlet)}"></head><body>{zh_nav(outlet)}
<div class="main"><div class="title-box"><h1>{E(s["title"])}</h1></div>
<div class="txt">{paras(s["paragraphs"])}</div><div class="like-box"><a>点赞</a> <a>收藏</a> <a>分享</a></div></div>
{zh_after(outlet)}</body></html>"""
    return page.encode("utf-8"), f"https://{host}/news/{slug}.html", "text/html; charset=utf-8", {}


def t_zh_short(s, outlet, host, dt, slug, i):
    d = bj(dt)
    short = []
    for p in s["paragraphs"]:  # split into sentence-long paragraphs, as many mobile pages do
        short.extend(x + "。" for x in p.rstrip("。").split("。") if x)
    page = f"""<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{E(s["title"])}</title>
<meta name="viewport" content="width=device-width"></head><body><div class="header"><a href="/">{E(outlet)}</a> <a href="/app">下载客户端</a></div>
<div class="m-article"><h1>{E(s["title"])}</h1><p class="m-info"><span class="m-time">{d:%Y-%m-%d %H:%M}</span> <span class="m-author">{E(zh_author(s["authors"], i))}</span></p>
<div class="m-body">{paras(short)}</div><p class="m-tip">打开APP 阅读更多精彩内容</p></div>
{zh_after(outlet)}</body></html>"""
    return (
        page.encode("utf-8"),
        f"https://m.{host.removeprefix('www.')}/d/{slug}",
        "text/html; charset=utf-8",
        {"text": short},
    )


def t_zh_br(s, outlet, host, dt, slug, i):
    d = bj(dt)
    lines = "<br /><br />\n".join("　　" + E(p) for p in s["paragraphs"])
    page = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>{E(s["title"])}-{E(outlet)}</title></head>
<body>{zh_nav(outlet)}<table width="960" align="center"><tr><td><div class="bt">{E(s["title"])}</div>
<div class="pubinfo">发布时间：{d:%Y-%m-%d}　{E(zh_author(s["authors"], i))}　点击数：{300 + i}</div>
<div class="zw">{lines}</div></td></tr></table>{zh_after(outlet)}</body></html>"""
    return (
        page.encode("gb18030"),
        f"http://{host}/html/{d:%Y%m}/{slug}.htm",
        "text/html; charset=GBK",
        {"published_at": f"{d:%Y-%m-%d}"},
    )


def t_zh_comments(s, outlet, host, dt, slug, i):
    d = bj(dt)
    said = ["欢迎美国朋友！猫税已收到，你家猫咪真可爱。", "对账之后才发现大家的生活压力都不小。", "希望这种交流能一直持续下去。",
            "翻译功能太及时了，终于能看懂评论区了。"]  # fmt: skip
    comments = "".join(f'<li class="comment-item"><span class="nick">网友{i * 7 + k}</span><span class="ip">IP属地：上海</span>'
                       f'<p class="comment-text">{said[k % 4]}</p><span class="zan">赞 {k * 2}</span></li>' for k in range(40))  # fmt: skip
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{E(s["title"])}_{E(outlet)}</title>
<meta property="og:title" content="{E(s["title"])}"><meta property="og:site_name" content="{E(outlet)}">
<meta property="article:published_time" content="{d.isoformat(timespec="seconds")}"></head><body>{zh_nav(outlet)}
<div class="article"><h1>{E(s["title"])}</h1><div class="source-line">{E(zh_author(s["authors"], i))}</div>
<div class="article-body">{paras(s["paragraphs"])}</div></div>
<div class="comment-area" id="comment"><h3>网友评论（{40 * 3}条）</h3><ul>{comments}</ul><textarea>说点什么吧</textarea><button>发表评论</button></div>
{zh_after(outlet)}</body></html>"""
    return page.encode("utf-8"), f"https://{host}/c/{slug}.html", "text/html; charset=utf-8", {}


EN_TEMPLATES = [
    t_en_jsonld,
    t_en_og,
    t_en_live,
    t_en_paywall,
    t_en_comments,
    t_en_amp,
    t_en_nodate,
    t_en_broken,
    t_en_wordpress,
]
ZH_TEMPLATES = [t_zh_portal, t_zh_jsonld, t_zh_naive_meta, t_zh_short, t_zh_br, t_zh_comments]


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    n = 0
    for i, story in enumerate(EN):
        dt = datetime.fromisoformat(EN_DATES[i]).replace(tzinfo=UTC)
        for template in (EN_TEMPLATES[i % 9], EN_TEMPLATES[(i + 4) % 9]):
            outlet, host = EN_OUTLETS[(i + n) % len(EN_OUTLETS)]
            slug = f"story-{i:02d}-{template.__name__[5:]}"
            page, url, ct, over = template(story, outlet, host, dt, slug)
            write(f"en{i:02d}_{template.__name__[5:]}", page.encode("utf-8"), "html", url, ct, story, dt, "en", over)
            n += 1
    for i, story in enumerate(ZH):
        dt = datetime.fromisoformat(ZH_DATES[i])
        for template in (ZH_TEMPLATES[i % 6], ZH_TEMPLATES[(i + 3) % 6]):
            outlet, host = ZH_OUTLETS[(i + n) % len(ZH_OUTLETS)]
            slug = f"{i:02d}{template.__name__[5:]}"
            page, url, ct, over = template(story, outlet, host, dt, slug, i)
            ext = "bin" if template in (t_zh_portal, t_zh_br) else "html"  # GB18030 bytes
            write(f"zh{i:02d}_{template.__name__[5:]}", page, ext, url, ct, story, dt, "zh", over)
            n += 1
    print(f"wrote {n} pages to {OUT}")


def write(name, page: bytes, ext, url, ct, story, dt, lang, over) -> None:
    (OUT / f"{name}.{ext}").write_bytes(page)
    paragraphs = over.get("text", story["paragraphs"])
    expected = {
        "url": url,
        "content_type": ct,
        "lang": lang,
        "title": story["title"],
        "authors": over.get("authors", story["authors"]),
        "published_at": over["published_at"] if "published_at" in over else f"{dt:%Y-%m-%dT%H:%M}:00Z",
        "text": "\n\n".join(paragraphs),
    }
    (OUT / f"{name}.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
