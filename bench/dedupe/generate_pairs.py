"""Generate the labelled near-duplicate pairs in bench/dedupe/pairs.jsonl (synthetic, offline).

Every sentence is assembled here from phrase pools written for this benchmark (no real article
is quoted). Stories about the same event share names, dates, figures and one or two quotes, as
real follow-up reports do; a "story" is a random draw of sentences and phrasings, so two stories
on the same event differ the way two reporters' pieces differ.

Positive kinds (label 1): en_headline_byline, en_boilerplate, en_trimmed, en_light_edit,
en_combo (all of those at once), zh_syndicated, zh_trimmed, zh_combo, post_copy_hashtag,
zh_post_copy.
Negative kinds (label 0): en_same_event, en_template, en_shared_footer, post_template,
post_shared_lines, zh_same_event, zh_template.

    .venv/bin/python bench/dedupe/generate_pairs.py            # writes pairs.jsonl (seed 7)
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

# ---------------------------------------------------------------- English story grammar
EVENTS = {
    "house_vote": {
        "date": "2024-03-13",
        "when": ["on Wednesday", "on March 13", "this week", "in a rare show of unity"],
        "actors": [
            "House lawmakers",
            "the House of Representatives",
            "members of both parties",
            "Representative Mike Gallagher",
            "the bill's sponsors",
            "House leaders",
        ],
        "claims": [
            "the bill would force ByteDance to divest TikTok or face a ban",
            "the measure passed by a vote of 352 to 65",
            "the app's Chinese ownership posed a national security risk",
            "ByteDance would have about six months to find a buyer",
            "the legislation now heads to the Senate, where its fate is less certain",
            "the vote followed a classified briefing on the app's data practices",
            "TikTok had urged its users to call their representatives",
            "congressional offices were flooded with calls from teenagers",
            "the bill did not ban the app outright but required a sale",
            "app stores would be barred from distributing TikTok after the deadline",
        ],
        "quotes": [
            ("This is not a ban, it is a choice for ByteDance to make", "a senior Republican sponsor"),
            ("Millions of Americans will lose a place where they earn a living", "a TikTok spokesperson"),
            ("We cannot let a foreign adversary control the news feed of our children", "one lawmaker"),
        ],
    },
    "scotus_hearing": {
        "date": "2025-01-10",
        "when": ["on Friday", "on January 10", "during more than two hours of argument", "in a special session"],
        "actors": [
            "the justices",
            "Chief Justice John Roberts",
            "lawyers for TikTok",
            "Solicitor General Elizabeth Prelogar",
            "several conservative justices",
            "Noel Francisco, who argued for TikTok",
        ],
        "claims": [
            "the law appeared likely to survive the court's review",
            "the government's concern was the app's ownership, not its speech",
            "a sale could not be completed before the January 19 deadline",
            "the court seemed skeptical of TikTok's First Amendment argument",
            "the Chinese government could compel ByteDance to hand over user data",
            "creators who rely on the app filed briefs urging the court to intervene",
            "the case was argued on an unusually fast schedule",
            "the justices asked whether a short delay would change anything",
            "the company asked for the deadline to be paused while the case continued",
            "Congress had acted after years of warnings from intelligence officials",
        ],
        "quotes": [
            (
                "Congress was not concerned about content, it was concerned about a foreign adversary",
                "Chief Justice John Roberts",
            ),
            ("On January 19 the platform will go dark, essentially", "Noel Francisco"),
            ("The threat is the control, not the speech", "Elizabeth Prelogar"),
        ],
    },
    "rednote_surge": {
        "date": "2025-01-13",
        "when": ["on Monday", "over the weekend", "overnight", "on January 13", "in the days before the ban"],
        "actors": [
            "American users",
            "self-described TikTok refugees",
            "RedNote",
            "app analysts",
            "Chinese users on the platform",
            "Xiaohongshu",
        ],
        "claims": [
            "RedNote rose to the top of the free app chart in the US App Store",
            "Lemon8, also owned by ByteDance, sat in second place",
            "the TikTokRefugee tag grew from about 2,000 posts to more than 70,000",
            "newcomers paid a cat tax by posting pictures of their pets",
            "Chinese users offered to teach English learners slang and recipes",
            "the app is known in China as Xiaohongshu, or Little Red Book",
            "the platform has about 300 million monthly users, most of them young women",
            "many of the new arrivals could not read the Chinese interface",
            "moderators scrambled to handle a wave of English-language posts",
            "users began comparing grocery bills and rent in a trend called dui zhang",
        ],
        "quotes": [
            ("I came for the cat pictures and stayed for the dumpling recipes", "a user from Ohio"),
            ("We never expected Americans to arrive all at once", "a Shanghai-based designer"),
            ("It feels like the early days of the internet again", "a creator in Texas"),
        ],
    },
    "scotus_ruling": {
        "date": "2025-01-17",
        "when": ["on Friday", "on January 17", "two days before the deadline", "in an unsigned opinion"],
        "actors": [
            "the Supreme Court",
            "the justices",
            "the court",
            "TikTok's chief executive",
            "the outgoing administration",
            "free speech advocates",
        ],
        "claims": [
            "the court upheld the law unanimously",
            "the law did not violate the First Amendment rights of the app's users",
            "the government had a sufficient national security justification",
            "the ban would take effect on January 19 unless ByteDance sold the app",
            "enforcement would be left to the next administration",
            "TikTok said it would be forced to go dark in the United States",
            "the decision was a major defeat for the company and its creators",
            "the ruling followed oral argument just one week earlier",
            "app stores and hosting providers faced penalties for serving the app",
            "the court declined to decide whether the law targeted speech",
        ],
        "quotes": [
            (
                "There is no doubt that, for more than 170 million Americans, TikTok offers a "
                "distinctive and expansive outlet for expression",
                "the court's opinion",
            ),
            ("Congress has determined that divestiture is necessary", "the justices wrote"),
            ("This is a sad day for the creators who built their lives on this app", "a digital rights group"),
        ],
    },
    "dark": {
        "date": "2025-01-19",
        "when": ["late on Saturday", "on Sunday", "for about 14 hours", "just before the deadline"],
        "actors": [
            "TikTok",
            "users in the United States",
            "the app",
            "Apple and Google",
            "the incoming president",
            "the company",
        ],
        "claims": [
            "the app stopped working for American users late on Saturday",
            "a message told users that a law banning TikTok had been enacted",
            "the app disappeared from the Apple and Google app stores",
            "service was restored on Sunday after a promise of relief",
            "the incoming president said he would delay enforcement",
            "CapCut and Lemon8 also went offline",
            "users who opened the app saw a pop-up notice instead of their feeds",
            "the outage lasted roughly half a day",
            "the company thanked the president-elect in a statement",
            "downloads of rival apps jumped during the blackout",
        ],
        "quotes": [
            ("We are fortunate that the president has indicated he will work with us", "the pop-up message"),
            ("I refreshed the app for an hour before I believed it", "a student in Atlanta"),
            ("The shutdown was a show for the cameras", "a critic of the company"),
        ],
    },
    "eo_14166": {
        "date": "2025-01-20",
        "when": ["on Monday", "on his first day in office", "on January 20", "hours after the inauguration"],
        "actors": [
            "the president",
            "the White House",
            "the Justice Department",
            "legal scholars",
            "TikTok's investors",
            "the new administration",
        ],
        "claims": [
            "an executive order paused enforcement of the law for 75 days",
            "the order told the attorney general not to act until April 5",
            "legal experts questioned whether the pause was lawful",
            "app stores remained wary of restoring the app",
            "most users who had tried RedNote drifted back to TikTok",
            "the order was numbered 14166",
            "the administration said it wanted time to negotiate a deal",
            "companies serving the app were promised they would not be penalized",
            "the order did not change the law itself",
            "several investors said they were preparing bids",
        ],
        "quotes": [
            ("We are going to save TikTok", "the president"),
            ("An executive order cannot repeal a statute", "a constitutional law professor"),
            ("Nobody wants to be the company that bet wrong", "an industry lawyer"),
        ],
    },
    "extensions": {
        "date": "2025-06-19",
        "when": ["on Thursday", "again", "for a third time", "in June"],
        "actors": ["the White House", "the president", "TikTok", "lawmakers", "analysts", "the administration"],
        "claims": [
            "the deadline was extended by another 90 days",
            "a deal with a group of American investors was said to be close",
            "tariff talks with China complicated the negotiations",
            "the new deadline was set for September 17",
            "critics said the law was not being enforced at all",
            "the company continued to operate normally in the United States",
            "Oracle was named as a likely technology partner",
            "China would have to approve any transfer of the algorithm",
            "the earlier extension had run to June 19",
            "some senators demanded a briefing on the talks",
        ],
        "quotes": [
            ("We have a buyer, a very wealthy group of people", "the president"),
            ("The law is being treated as optional", "a Democratic senator"),
            ("Every extension makes a real sale less likely", "a trade analyst"),
        ],
    },
    "jv_framework": {
        "date": "2025-09-25",
        "when": ["on Thursday", "on September 25", "after months of talks", "this week"],
        "actors": ["the president", "the White House", "ByteDance", "Oracle", "investors", "Chinese officials"],
        "claims": [
            "an executive order approved a framework for a US joint venture",
            "ByteDance would keep a stake of less than 20 percent",
            "Oracle would act as the security provider for American user data",
            "the arrangement was declared a qualified divestiture under the law",
            "enforcement was paused for another 120 days",
            "the recommendation algorithm would be retrained on US data",
            "Chinese officials had not publicly confirmed every detail",
            "a new board with a majority of American members would oversee the app",
            "critics said the deal left too much control in Beijing",
            "the valuation of the US business was reported to be modest",
        ],
        "quotes": [
            ("This deal keeps the app running and keeps the data here", "a White House official"),
            ("The algorithm is the whole ballgame", "a former national security official"),
            ("We welcome a solution that protects our users", "a TikTok statement"),
        ],
    },
}

SAID = ["said", "told reporters", "argued", "noted", "wrote", "added", "insisted", "stressed"]
ATTRIB = [
    "according to people familiar with the matter",
    "according to court filings",
    "according to market data",
    "analysts said",
    "officials said",
    "the company said",
    "according to a statement",
    "several reports said",
]
CONNECT = [
    "Meanwhile,",
    "At the same time,",
    "Still,",
    "For now,",
    "Even so,",
    "In addition,",
    "Separately,",
    "Earlier,",
    "By contrast,",
    "Notably,",
]
PEOPLE = [
    "Maria Lopez",
    "Jordan Kim",
    "Aaliyah Brooks",
    "Ethan Walsh",
    "Priya Natarajan",
    "Tyler Young",
    "Grace Chen",
    "Marcus Bell",
    "Hannah Novak",
    "Diego Ramirez",
    "Olivia Grant",
    "Samuel Osei",
    "Chloe Martin",
    "Noah Fischer",
    "Leila Haddad",
]
JOBS = [
    "nurse",
    "college student",
    "small business owner",
    "teacher",
    "baker",
    "video editor",
    "truck driver",
    "hairstylist",
    "software tester",
    "barista",
]
CITIES = [
    "Columbus, Ohio",
    "Austin, Texas",
    "Tampa, Florida",
    "Fresno, California",
    "Boise, Idaho",
    "Atlanta, Georgia",
    "Detroit, Michigan",
    "Tucson, Arizona",
    "Richmond, Virginia",
    "Omaha, Nebraska",
]
REACTIONS = [
    "had moved most of her sales to the app over the past two years",
    "planned to keep posting wherever the audience went",
    "did not think a ban would ever actually happen",
    "had already downloaded two other apps just in case",
    "found the Chinese users more welcoming than expected",
    "worried about losing the followers built up since 2020",
    "thought the whole fight was about politics rather than privacy",
    "spent the weekend learning a few words of Mandarin",
]
CONTEXT = [
    "The law, signed in April 2024, gave ByteDance until January 19, 2025 to sell the app.",
    "TikTok has said it has about 170 million users in the United States.",
    "A federal appeals court in Washington upheld the law in December.",
    "ByteDance has repeatedly said it does not share American user data with Beijing.",
    "The measure is known as the Protecting Americans from Foreign Adversary Controlled Applications Act.",
    "Xiaohongshu was founded in Shanghai in 2013 and is popular with young urban women.",
    "Lemon8, another ByteDance app, also climbed the download charts.",
    "Researchers have tracked the TikTokRefugee hashtag since the start of the year.",
]
HEADLINE_BITS = [
    "TikTok",
    "RedNote",
    "Supreme Court",
    "ByteDance",
    "ban",
    "refugees",
    "deadline",
    "app stores",
    "creators",
    "China",
    "users",
    "deal",
    "law",
]
OUTLETS = [
    "Associated Press",
    "Reuters",
    "The Daily Ledger",
    "Metro Tribune",
    "Valley Herald",
    "Coastal Times",
    "TechWire",
    "Morning Courier",
    "The Pacific Journal",
    "Northern Gazette",
]
BOILER_PRE = [
    "Sign up for our free morning newsletter to get the day's top stories delivered to your inbox.",
    "This story has been updated with additional reporting.",
    "Editor's note: this article is part of our continuing coverage of technology policy.",
    "Listen to this article. Estimated reading time: four minutes.",
]
BOILER_POST = [
    "Copyright 2025 The Associated Press. All rights reserved. This material may not be "
    "published, broadcast, rewritten or redistributed without permission.",
    "Related coverage: What the TikTok ruling means for creators. How RedNote works. Why app stores matter in the ban.",
    "This article was originally published by a partner news organization and is republished "
    "here under a content sharing agreement. Follow us on social media for more updates.",
    "Have a news tip? Contact our technology desk. Comments on this story are closed. Read our "
    "community guidelines and privacy policy before posting elsewhere on the site.",
]


def cap(s: str) -> str:
    return s[0].upper() + s[1:]


def en_sentence(r: random.Random, ev: dict) -> str:
    k = r.randrange(6)
    claim = r.choice(ev["claims"])
    if k == 0:
        return f"{cap(r.choice(ev['actors']))} {r.choice(SAID)} {r.choice(ev['when'])} that {claim}."
    if k == 1:
        return f"{cap(r.choice(ev['when']))}, {claim}, {r.choice(ATTRIB)}."
    if k == 2:
        return f"{r.choice(CONNECT)} {claim}, {r.choice(ATTRIB)}."
    if k == 3:
        name, job, city = r.choice(PEOPLE), r.choice(JOBS), r.choice(CITIES)
        return f"{name}, a {r.randint(19, 58)}-year-old {job} in {city}, said she {r.choice(REACTIONS)}."
    if k == 4:
        return r.choice(CONTEXT)
    return f"{cap(claim)}, {r.choice(ev['actors'])} {r.choice(SAID)}."


def en_story(r: random.Random, ev_name: str, quotes: list | None = None) -> dict:
    ev = EVENTS[ev_name]
    quotes = quotes if quotes is not None else r.sample(ev["quotes"], 2)
    paras = []
    for p in range(r.randint(4, 6)):
        sents = [en_sentence(r, ev) for _ in range(r.randint(2, 4))]
        if p in (1, 3) and quotes:
            q, who = quotes[0] if p == 1 else quotes[-1]
            sents.insert(r.randrange(len(sents) + 1), f'"{q}," {who} {r.choice(SAID)}.')
        paras.append(" ".join(sents))
    return {"title": en_headline(r), "text": "\n\n".join(paras), "date": ev["date"]}


def en_headline(r: random.Random) -> str:
    bits = r.sample(HEADLINE_BITS, 4)
    return f"{bits[0]} {r.choice(['and', 'vs.', 'after', 'as'])} {bits[1]}: what the {bits[2]} means for {bits[3]}"


def byline(r: random.Random) -> str:
    return f"By {r.choice(PEOPLE)}, {r.choice(OUTLETS)}"


# ---------------------------------------------------------------- Chinese story grammar
ZH_EVENTS = {
    "最高法院听证": {
        "date": "2025-01-10",
        "when": ["当地时间1月10日", "周五", "10日上午", "在长达两个多小时的辩论中"],
        "actors": [
            "美国最高法院大法官",
            "首席大法官罗伯茨",
            "TikTok的代理律师",
            "美国司法部",
            "多名保守派大法官",
            "美国副检察长",
        ],
        "claims": [
            "法院似乎倾向于维持该法律",
            "政府关注的是所有权而不是言论内容",
            "出售交易无法在1月19日前完成",
            "TikTok请求法院暂缓执行禁令",
            "大法官们对言论自由的论点表示怀疑",
            "该案的审理速度异常之快",
            "数百万创作者的生计可能受到影响",
            "国会多年来一直担心数据安全问题",
        ],
        "quotes": [
            ("国会担心的不是内容，而是外国对手的控制", "罗伯茨"),
            ("如果禁令生效，这个平台基本上会关闭", "TikTok律师"),
        ],
    },
    "小红书涌入": {
        "date": "2025-01-14",
        "when": ["1月13日", "近日", "这个周末", "短短两天内", "禁令生效前夕"],
        "actors": ["大批美国网友", "自称TikTok难民的用户", "小红书", "应用分析机构", "中国网友", "不少外国博主"],
        "claims": [
            "小红书登上美国苹果应用商店免费榜第一",
            "字节跳动旗下的Lemon8位列第二",
            "TikTok难民话题的帖子从两千条猛增到七万多条",
            "新用户纷纷晒出宠物照片缴纳猫税",
            "中国网友热情地教外国人说中文",
            "双方网友开始对账比较房租和菜价",
            "平台连夜上线了翻译功能",
            "许多外国用户看不懂中文界面",
        ],
        "quotes": [
            ("我是来看猫的，结果留下来学做饺子", "一位俄亥俄州网友"),
            ("没想到一夜之间来了这么多美国朋友", "一位上海设计师"),
        ],
    },
    "裁决": {
        "date": "2025-01-17",
        "when": ["当地时间17日", "周五", "禁令生效前两天", "1月17日"],
        "actors": ["美国最高法院", "九名大法官", "法院", "TikTok首席执行官", "拜登政府", "言论自由倡导团体"],
        "claims": [
            "法院一致裁定维持该法律",
            "该法律并未侵犯用户的言论自由",
            "除非字节跳动出售该应用，禁令将于19日生效",
            "执法问题将留给下一届政府",
            "TikTok表示将被迫在美国停止服务",
            "这一裁决是该公司的重大挫败",
            "应用商店若继续提供下载将面临处罚",
            "判决距离口头辩论仅一周",
        ],
        "quotes": [
            ("对一亿七千万美国人来说，TikTok提供了独特的表达渠道", "判决书"),
            ("这是创作者们悲伤的一天", "一个数字权利组织"),
        ],
    },
    "框架协议": {
        "date": "2025-09-25",
        "when": ["9月25日", "周四", "经过数月谈判", "本周"],
        "actors": ["美国总统", "白宫", "字节跳动", "甲骨文公司", "投资者", "中方官员"],
        "claims": [
            "行政令批准了成立美国合资企业的框架",
            "字节跳动持股将低于百分之二十",
            "甲骨文将负责美国用户数据的安全",
            "该安排被认定为符合法律的剥离",
            "禁令执行再暂缓一百二十天",
            "推荐算法将使用美国数据重新训练",
            "新董事会将以美方成员为主",
            "批评者认为北京仍保留过多控制权",
        ],
        "quotes": [
            ("这项协议让应用继续运行，也让数据留在美国", "白宫官员"),
            ("算法才是问题的关键", "一位前国家安全官员"),
        ],
    },
}
ZH_SAID = ["表示", "指出", "称", "强调", "透露", "认为"]
ZH_ATTRIB = ["据知情人士透露", "据法庭文件显示", "据市场数据", "分析人士称", "据媒体报道", "据该公司声明"]
ZH_CONNECT = ["与此同时，", "此外，", "不过，", "目前，", "另一方面，", "值得注意的是，"]
ZH_PEOPLE = ["李娜", "王磊", "张敏", "刘洋", "陈静", "杨帆", "赵雪", "黄鑫", "周婷", "吴昊"]
ZH_CITIES = ["北京", "上海", "广州", "成都", "杭州", "武汉", "西安", "重庆", "南京", "长沙"]
ZH_JOBS = ["大学生", "设计师", "英语老师", "护士", "程序员", "自由职业者", "餐馆老板", "摄影师"]
ZH_REACT = [
    "每天都会回复外国网友的留言",
    "觉得这是一次难得的文化交流",
    "担心热度很快就会过去",
    "专门发了帖子教大家做红烧肉",
    "认为双方的误解正在减少",
    "把自己的账单晒出来和美国网友对账",
]
ZH_CONTEXT = [
    "该法律于2024年4月签署，要求字节跳动在2025年1月19日前出售TikTok。",
    "TikTok称其在美国拥有约1.7亿用户。",
    "小红书于2013年在上海创立，月活跃用户约3亿。",
    "美国哥伦比亚特区联邦上诉法院去年12月维持了该法律。",
    "字节跳动多次表示从未向中国政府提供美国用户数据。",
]
ZH_OUTLETS = ["新华网", "人民网", "澎湃新闻", "环球网", "中国新闻网", "央视新闻", "新浪科技", "36氪"]
ZH_EDITORS = ["王明", "李华", "张伟", "刘芳", "陈强", "杨丽"]


def zh_sentence(r: random.Random, ev: dict) -> str:
    k = r.randrange(5)
    claim = r.choice(ev["claims"])
    if k == 0:
        return f"{r.choice(ev['when'])}，{r.choice(ev['actors'])}{r.choice(ZH_SAID)}，{claim}。"
    if k == 1:
        return f"{r.choice(ZH_ATTRIB)}，{r.choice(ev['when'])}{claim}。"
    if k == 2:
        return f"{r.choice(ZH_CONNECT)}{claim}，{r.choice(ZH_ATTRIB)}。"
    if k == 3:
        return (
            f"来自{r.choice(ZH_CITIES)}的{r.randint(19, 45)}岁{r.choice(ZH_JOBS)}"
            f"{r.choice(ZH_PEOPLE)}说，她{r.choice(ZH_REACT)}。"
        )
    return r.choice(ZH_CONTEXT)


def zh_story(r: random.Random, ev_name: str, quotes: list | None = None) -> dict:
    ev = ZH_EVENTS[ev_name]
    quotes = quotes if quotes is not None else list(ev["quotes"])
    paras = []
    for p in range(r.randint(4, 6)):
        sents = [zh_sentence(r, ev) for _ in range(r.randint(2, 4))]
        if p in (1, 3):
            q, who = quotes[0] if p == 1 else quotes[-1]
            sents.insert(r.randrange(len(sents) + 1), f"{who}{r.choice(ZH_SAID)}：“{q}。”")
        paras.append("".join(sents))
    title = f"{r.choice(['聚焦', '关注', '观察', '快讯'])}｜{r.choice(ev['claims'])}"
    return {"title": title, "text": "\n\n".join(paras), "date": ev["date"]}


def zh_wrap(r: random.Random, story: dict, outlet: str) -> dict:
    """The same Xinhua-style story as it runs on one outlet: dateline, source line, editor."""
    head = r.choice([f"【{outlet}讯】", f"（{outlet}）", f"{outlet}北京{story['date'][5:7]}月电 ", f"来源：{outlet} "])
    tail = r.choice(
        [
            f"（责任编辑：{r.choice(ZH_EDITORS)}）",
            f"本文来源：{outlet}。转载请注明出处，违者必究。",
            f"【免责声明】本文仅代表作者观点，与{outlet}无关。编辑：{r.choice(ZH_EDITORS)}",
            f"更多精彩内容，请下载{outlet}客户端。",
        ]
    )
    title = r.choice([story["title"], story["title"].split("｜")[-1], "美媒：" + story["title"]])
    return {"title": title, "text": f"{head}{story['text']}\n\n{tail}", "date": story["date"]}


# ---------------------------------------------------------------- posts
POST_OPENERS = [
    "Hi from",
    "Hello hello from",
    "Greetings from",
    "Hey RedNote, new here from",
    "Waving at everyone from",
]
POST_LINES = [
    "Just landed on RedNote because of the TikTok ban and honestly I have no idea what I am doing",
    "Here is my cat tax, his name is {pet} and he demands snacks",
    "I promise to learn at least ten words of Mandarin this month",
    "Someone please explain why everyone is comparing grocery receipts",
    "My feed is full of noodles and I am not complaining",
    "Thank you to the Chinese users who translated my last post",
    "I work as a {job} and I want to see what daily life looks like over there",
    "Dropping a picture of my dog {pet} as payment, please be gentle",
    "If TikTok comes back I might still stay here for the recipes",
    "Can anyone recommend a good language exchange partner",
]
PETS = ["Biscuit", "Mochi", "Pepper", "Luna", "Tofu", "Waffles", "Ziggy", "Noodle"]
TAGS = ["#TikTokRefugee", "#tiktokrefugee", "#cattax", "#RedNote", "#fyp", "#小红书", "#TikTokBan", "#hello"]


def intro_post(r: random.Random) -> str:
    lines = r.sample(POST_LINES, r.randint(3, 4))
    lines = [ln.format(pet=r.choice(PETS), job=r.choice(JOBS)) for ln in lines]
    return (
        f"{r.choice(POST_OPENERS)} {r.choice(CITIES)}! "
        + ". ".join(lines)
        + f". {r.choice(TAGS[:2])} {r.choice(TAGS[2:])}"
    )


def zh_post(r: random.Random) -> str:
    city, price = r.choice(ZH_CITIES), r.randint(1200, 9000)
    return (
        f"来{r.choice(['对账', '交作业', '报个到'])}啦！我在{city}，"
        f"{r.choice(ZH_REACT)}。房租每月{price}元，"
        f"一碗牛肉面{r.randint(12, 35)}元，地铁一趟{r.randint(2, 8)}元。"
        f"欢迎美国朋友们来{city}玩，{r.choice(['有问题可以留言', '我可以教你们说中文', '下次晒我家的猫'])}！"
        f"#TikTok难民[话题]#"
    )


DUI_ZHANG = (
    "对账时间到！我在{city}，{job}，月薪大约{pay}元。房租每月{rent}元，"
    "水电燃气加起来{util}元，手机话费{phone}元。看病挂号一般{clinic}元，"
    "医保报销之后自己付{copay}元左右。一斤鸡蛋{egg}元，一斤猪肉{pork}元，"
    "一杯奶茶{tea}元。美国朋友们那边是多少？评论区一起对账。#对账[话题]#"
)

APP_CHART = (
    "{app} climbed to No. {rank} on the {store} free chart on {day}, overtaking "
    "{other}, according to figures from {firm}. Downloads rose {pct} percent from the "
    "previous week to about {dl} installs, the firm estimated. {app2} ranked No. {rank2}. "
    "Analysts at {firm} said the jump was driven by {driver}. Shares of {company} "
    "{moved} {pct2} percent to ${price} in {session} trading, while the broader "
    "technology index {moved2} {pct3} percent. {firm} expects rankings to {outlook} "
    "over the {horizon}."
)
APPS = ["RedNote", "Lemon8", "Clapper", "Bluesky", "Threads", "Likee", "Zynn", "Triller", "Instagram", "YouTube"]
FIRMS = ["Sensor Tower", "Appfigures", "data.ai", "Apptopia", "Similarweb"]
COMPANIES = ["Meta", "Snap", "Alphabet", "Pinterest", "Oracle", "Reddit"]


def app_chart(r: random.Random) -> str:
    a, b, c = r.sample(APPS, 3)
    return APP_CHART.format(
        app=a,
        app2=b,
        other=c,
        rank=r.randint(1, 5),
        rank2=r.randint(6, 20),
        store=r.choice(["US App Store", "Google Play", "iPhone"]),
        day=r.choice(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]),
        firm=r.choice(FIRMS),
        pct=r.randint(20, 900),
        dl=f"{r.randint(100, 900)},000",
        driver=r.choice(
            ["users leaving TikTok", "a viral trend", "holiday downloads", "a marketing push", "news of the ban"]
        ),
        company=r.choice(COMPANIES),
        moved=r.choice(["rose", "fell", "climbed", "slipped"]),
        pct2=f"{r.randint(0, 9)}.{r.randint(0, 9)}",
        price=f"{r.randint(20, 600)}.{r.randint(10, 99)}",
        session=r.choice(["morning", "afternoon", "late", "early"]),
        moved2=r.choice(["gained", "lost", "added", "shed"]),
        pct3=f"{r.randint(0, 3)}.{r.randint(0, 9)}",
        outlook=r.choice(["stay volatile", "settle", "normalise", "keep shifting"]),
        horizon=r.choice(["coming weeks", "next month", "rest of the quarter", "weekend"]),
    )


def dui_zhang(r: random.Random) -> str:
    return DUI_ZHANG.format(
        city=r.choice(ZH_CITIES),
        job=r.choice(ZH_JOBS),
        pay=r.randint(4000, 30000),
        rent=r.randint(800, 9000),
        util=r.randint(100, 600),
        phone=r.randint(19, 199),
        clinic=r.randint(5, 100),
        copay=r.randint(10, 300),
        egg=r.randint(4, 9),
        pork=r.randint(12, 30),
        tea=r.randint(8, 30),
    )


# ---------------------------------------------------------------- transformations
EDITS = [
    ("said", "says"),
    ("percent", "%"),
    ("United States", "US"),
    ("Saturday", "Sat."),
    ("about", "around"),
    ("users", "people"),
    ("would", "will"),
    (" the app", " TikTok"),
]


def light_edit(r: random.Random, text: str) -> str:
    for a, b in r.sample(EDITS, 3):
        text = text.replace(a, b, r.randint(1, 3))
    return text


def drop_last_para(text: str) -> str:
    paras = text.split("\n\n")
    return "\n\n".join(paras[:-1]) if len(paras) > 3 else text


def doc(i: int, title: str | None, text: str, date: str | None) -> dict:
    return {"id": i, "title": title, "text": text, "published_at": date and f"{date}T12:00:00Z"}


def generate(seed: int = 7, per_kind: int = 40) -> list[dict]:
    r = random.Random(seed)
    pairs: list[dict] = []
    ids = iter(range(1, 10**9))

    def add(kind: str, lang: str, label: int, a: dict, b: dict) -> None:
        pairs.append({"pair": len(pairs), "kind": kind, "lang": lang, "label": label, "a": a, "b": b})

    en_events, zh_events = list(EVENTS), list(ZH_EVENTS)
    for _ in range(per_kind):
        ev = r.choice(en_events)
        # positives
        s = en_story(r, ev)
        add(
            "en_headline_byline",
            "en",
            1,
            doc(next(ids), s["title"], f"{byline(r)}\n\n{s['text']}", s["date"]),
            doc(next(ids), en_headline(r), f"{byline(r)}\n\n{s['text']}", s["date"]),
        )
        s = en_story(r, r.choice(en_events))
        add(
            "en_boilerplate",
            "en",
            1,
            doc(next(ids), s["title"], s["text"], s["date"]),
            doc(next(ids), s["title"], f"{r.choice(BOILER_PRE)}\n\n{s['text']}\n\n{r.choice(BOILER_POST)}", s["date"]),
        )
        s = en_story(r, r.choice(en_events))
        add(
            "en_trimmed",
            "en",
            1,
            doc(next(ids), s["title"], s["text"], s["date"]),
            doc(next(ids), en_headline(r), drop_last_para(s["text"]), s["date"]),
        )
        s = en_story(r, r.choice(en_events))
        add(
            "en_light_edit",
            "en",
            1,
            doc(next(ids), s["title"], s["text"], s["date"]),
            doc(next(ids), en_headline(r), f"{byline(r)}\n\n{light_edit(r, s['text'])}", s["date"]),
        )
        # everything at once: new headline and byline, boilerplate, last paragraph cut, edits
        s = en_story(r, r.choice(en_events))
        add(
            "en_combo",
            "en",
            1,
            doc(next(ids), s["title"], s["text"], s["date"]),
            doc(
                next(ids),
                en_headline(r),
                f"{byline(r)}\n\n{r.choice(BOILER_PRE)}\n\n"
                f"{light_edit(r, drop_last_para(s['text']))}\n\n{r.choice(BOILER_POST)}",
                s["date"],
            ),
        )
        # hard negatives: same event, shared quotes and facts, different story
        ev = r.choice(en_events)
        quotes = r.sample(EVENTS[ev]["quotes"], 2)
        s1, s2 = en_story(r, ev, quotes), en_story(r, ev, quotes)
        add(
            "en_same_event",
            "en",
            0,
            doc(next(ids), s1["title"], s1["text"], s1["date"]),
            doc(next(ids), s2["title"], s2["text"], s2["date"]),
        )
        add(
            "en_template",
            "en",
            0,
            doc(next(ids), "App chart update", app_chart(r), "2025-01-14"),
            doc(next(ids), "App chart update", app_chart(r), "2025-01-14"),
        )
        footer = r.choice(BOILER_POST) + " " + r.choice(BOILER_PRE)
        s1, s2 = en_story(r, r.choice(en_events)), en_story(r, r.choice(en_events))
        short1 = "\n\n".join(s1["text"].split("\n\n")[:2])
        short2 = "\n\n".join(s2["text"].split("\n\n")[:2])
        add(
            "en_shared_footer",
            "en",
            0,
            doc(next(ids), s1["title"], f"{short1}\n\n{footer}", s1["date"]),
            doc(next(ids), s2["title"], f"{short2}\n\n{footer}", s2["date"]),
        )
        # posts
        p = intro_post(r)
        add(
            "post_copy_hashtag",
            "en",
            1,
            doc(next(ids), None, p, "2025-01-14"),
            doc(next(ids), None, f"{p} {r.choice(TAGS[2:])} {r.choice(['#fyp', '#foryou', '#viral'])}", "2025-01-15"),
        )
        add(
            "post_template",
            "en",
            0,
            doc(next(ids), None, intro_post(r), "2025-01-14"),
            doc(next(ids), None, intro_post(r), "2025-01-14"),
        )
        # two newcomers who reuse two of the same stock lines in otherwise different posts
        shared = [ln.format(pet=r.choice(PETS), job=r.choice(JOBS)) for ln in r.sample(POST_LINES, 2)]
        own1 = [ln.format(pet=r.choice(PETS), job=r.choice(JOBS)) for ln in r.sample(POST_LINES, 2)]
        own2 = [ln.format(pet=r.choice(PETS), job=r.choice(JOBS)) for ln in r.sample(POST_LINES, 2)]
        add(
            "post_shared_lines",
            "en",
            0,
            doc(
                next(ids),
                None,
                f"{r.choice(POST_OPENERS)} {r.choice(CITIES)}! "
                + ". ".join(own1[:1] + shared + own1[1:])
                + ". #TikTokRefugee",
                "2025-01-14",
            ),
            doc(
                next(ids),
                None,
                f"{r.choice(POST_OPENERS)} {r.choice(CITIES)}! " + ". ".join(shared + own2) + ". #TikTokRefugee",
                "2025-01-14",
            ),
        )
        # Chinese
        ev = r.choice(zh_events)
        s = zh_story(r, ev)
        o1, o2 = r.sample(ZH_OUTLETS, 2)
        a, b = zh_wrap(r, s, o1), zh_wrap(r, s, o2)
        add(
            "zh_syndicated",
            "zh",
            1,
            doc(next(ids), a["title"], a["text"], a["date"]),
            doc(next(ids), b["title"], b["text"], b["date"]),
        )
        s = zh_story(r, r.choice(zh_events))
        a = zh_wrap(r, s, r.choice(ZH_OUTLETS))
        add(
            "zh_trimmed",
            "zh",
            1,
            doc(next(ids), a["title"], a["text"], a["date"]),
            doc(next(ids), s["title"], drop_last_para(s["text"]), s["date"]),
        )
        s = zh_story(r, r.choice(zh_events))
        a = zh_wrap(r, s, r.choice(ZH_OUTLETS))
        b = zh_wrap(r, {**s, "text": drop_last_para(s["text"])}, r.choice(ZH_OUTLETS))
        add(
            "zh_combo",
            "zh",
            1,
            doc(next(ids), a["title"], a["text"], a["date"]),
            doc(next(ids), b["title"], b["text"].replace("表示", "称", 2), b["date"]),
        )
        p = zh_post(r)
        add(
            "zh_post_copy",
            "zh",
            1,
            doc(next(ids), None, p, "2025-01-14"),
            doc(
                next(ids), None, p + r.choice(["#小红书[话题]#", "#猫税[话题]#", "#中美网友对账[话题]#"]), "2025-01-15"
            ),
        )
        ev = r.choice(zh_events)
        s1, s2 = zh_story(r, ev), zh_story(r, ev)
        add(
            "zh_same_event",
            "zh",
            0,
            doc(next(ids), s1["title"], s1["text"], s1["date"]),
            doc(next(ids), s2["title"], s2["text"], s2["date"]),
        )
        add(
            "zh_template",
            "zh",
            0,
            doc(next(ids), None, dui_zhang(r), "2025-01-15"),
            doc(next(ids), None, dui_zhang(r), "2025-01-15"),
        )
    return pairs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--per-kind", type=int, default=40)
    ap.add_argument("--out", type=Path, default=HERE / "pairs.jsonl")
    args = ap.parse_args()
    pairs = generate(args.seed, args.per_kind)
    with args.out.open("w", encoding="utf-8") as f:
        for p in pairs:
            f.write(json.dumps(p, ensure_ascii=False) + "\n")
    pos = sum(p["label"] for p in pairs)
    print(f"wrote {len(pairs)} pairs ({pos} positive, {len(pairs) - pos} negative) to {args.out}")


if __name__ == "__main__":
    main()
