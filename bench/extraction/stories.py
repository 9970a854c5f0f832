"""Synthetic stories for the extraction benchmark, written for this project (not copied from any
outlet). Each story: title, authors, paragraphs; the page templates in make_pages.py wrap them."""

EN = [
    {
        "title": "House votes 352-65 to force a sale of TikTok",
        "authors": ["Laura Mendes"],
        "paragraphs": [
            "The House of Representatives on Wednesday approved a bill that gives ByteDance roughly six months to sell TikTok's American operations or see the app pulled from US app stores.",
            "The vote, 352 to 65, came after a week in which the company sent pop-up messages urging users to phone their members of Congress. Several lawmakers said the flood of calls, some from teenagers, had convinced them the app's influence was the problem.",
            "Opponents in both parties warned that the measure would hand the government power to close down a platform used by tens of millions of Americans for news, entertainment and commerce.",
            "The bill now goes to the Senate, where the chair of the commerce committee has said she wants to hold hearings before any vote.",
        ],
    },
    {
        "title": "Biden signs foreign adversary apps law, starting the clock on TikTok",
        "authors": ["Owen Sato", "Felicity Grant"],
        "paragraphs": [
            "President Biden signed the Protecting Americans from Foreign Adversary Controlled Applications Act on Wednesday as part of a larger foreign aid package, setting a January 19 deadline for TikTok's owner to divest.",
            "The law allows the president to extend the deadline once by 90 days if a sale is under way and making progress.",
            "TikTok's chief executive said in a video that the company would challenge the law in court and that users' rights would prevail.",
            "Legal scholars expect the case to turn on whether the law is a restriction on speech or a regulation of foreign ownership, a question the courts have rarely faced in this form.",
            "App store operators and cloud providers that continue to serve the app after the deadline could face large civil penalties for each user.",
        ],
    },
    {
        "title": "Appeals court rejects TikTok's challenge to divestiture law",
        "authors": ["Nadia Haddad"],
        "paragraphs": [
            "A three-judge panel of the federal appeals court in Washington on Friday upheld the law requiring TikTok to be sold, finding that the government's national security justification survived even the most demanding review.",
            "The judges wrote that the First Amendment exists to protect free speech in the United States and that the government had acted to protect that freedom from a foreign adversary nation.",
            "TikTok said it would ask the Supreme Court to hear the case and asked the panel to pause the deadline while it did so.",
            "The ruling leaves the company about six weeks before the law takes effect.",
        ],
    },
    {
        "title": "Justices sound skeptical of TikTok's free speech argument",
        "authors": ["Marcus Oyelaran"],
        "paragraphs": [
            "During more than two hours of argument on Friday, a majority of the Supreme Court appeared inclined to let the divestiture law stand.",
            "Several justices pressed TikTok's lawyer on why the company could not simply separate from its Chinese parent, and whether the law targeted speech at all rather than ownership.",
            "The lawyer for a group of creators said millions of people would lose an audience they had spent years building, and that the government had not shown less drastic options would fail.",
            "The solicitor general told the court the concern was that a foreign government could quietly manipulate what Americans see, something that would be almost impossible to detect.",
            "A decision is expected before the January 19 deadline.",
        ],
    },
    {
        "title": "Xiaohongshu tops US App Store as TikTok users look for a new home",
        "authors": ["Hannah Kowalczyk"],
        "paragraphs": [
            "A Chinese lifestyle app that few Americans had heard of a week ago was the most downloaded free app on Apple's US store on Monday.",
            "Xiaohongshu, which means little red book and goes by RedNote in English, has about 300 million monthly users, most of them young women in Chinese cities who share fashion, food and travel tips.",
            "New arrivals have labelled their first posts with the tag TikTokRefugee, which grew from a few thousand posts to more than seventy thousand in a day.",
            "Many said they chose the app in protest, reasoning that if Washington was worried about a Chinese app, they would move to one that was even more Chinese.",
        ],
    },
    {
        "title": "The cat tax: how RedNote's Chinese users welcomed American newcomers",
        "authors": ["Jonah Reyes"],
        "paragraphs": [
            "The rule spread within hours: anyone arriving from TikTok should pay a cat tax, a picture of their pet, before asking questions.",
            "Chinese users explained the custom in careful English, and the newcomers obliged with photos of cats, dogs, lizards and at least one chicken.",
            "What began as a joke turned into a kind of ritual. Comment sections filled with greetings, translation help and questions about daily life on both sides.",
            "Researchers who study online communities say rituals like this help a group absorb a sudden influx of strangers without losing its character.",
        ],
    },
    {
        "title": "Checking the accounts: Chinese and American users compare their bills",
        "authors": ["Elise Tanaka"],
        "paragraphs": [
            "One of the most popular threads on RedNote this week was not about fashion or food but about money.",
            "Under the label duizhang, or checking the accounts, users from both countries posted their rent, grocery receipts and medical bills, then compared what they paid.",
            "American users were often surprised by how little a hospital visit cost in Chinese cities, while Chinese users asked about salaries and the price of cars.",
            "Economists cautioned that the comparisons ignored differences in income and that individual receipts said little about national averages. The threads kept growing anyway.",
            "Some participants said it was the first conversation about everyday life they had ever had with someone in the other country.",
        ],
    },
    {
        "title": "TikTok goes dark in the US hours before ban takes effect",
        "authors": ["Samuel Brooks", "Ines Duarte"],
        "paragraphs": [
            "TikTok stopped working for users in the United States late on Saturday, showing a message that a law banning the app had been enacted and that it was not available for now.",
            "The app also disappeared from the Apple and Google stores, along with other apps owned by ByteDance, including the video editor CapCut and the lifestyle app Lemon8.",
            "The message told users the company was fortunate that the incoming president had said he would work on a solution once in office.",
            "By Sunday afternoon the service was returning for many users after the president-elect promised to delay enforcement.",
        ],
    },
    {
        "title": "Executive order pauses TikTok ban enforcement for 75 days",
        "authors": ["Grace Whitaker"],
        "paragraphs": [
            "On his first day in office, the president signed an order directing the attorney general not to enforce the TikTok law for 75 days while his administration looks for a resolution.",
            "The order also instructs the Justice Department to tell app stores and hosting companies that they will not be penalised for serving the app during that period.",
            "Legal experts questioned whether an executive order can override a statute upheld by the Supreme Court, noting that companies would still carry the risk of future enforcement.",
            "Apple and Google did not immediately return TikTok to their stores.",
        ],
    },
    {
        "title": "A month later, most TikTok refugees have gone home",
        "authors": ["Ruth Abernathy"],
        "paragraphs": [
            "The great migration to RedNote lasted about as long as the ban itself.",
            "Data from app analytics firms show that daily use of Xiaohongshu by American accounts fell sharply after TikTok returned, although it remained well above its level before January.",
            "Several creators who had built followings on the Chinese app said they would keep posting there for the language exchange and the audience it had brought them.",
            "The episode left RedNote with a translation feature, a small international community and a reputation for hospitality that marketers are already trying to use.",
        ],
    },
    {
        "title": "Deal framework declares TikTok joint venture a qualified divestiture",
        "authors": ["Victor Lindahl"],
        "paragraphs": [
            "An executive order signed on Thursday declares that a planned US joint venture for TikTok meets the legal definition of a qualified divestiture.",
            "Under the framework ByteDance would hold less than twenty percent of the new company, and Oracle would oversee security and the handling of American users' data.",
            "The order grants another 120 days in which the law will not be enforced, giving the parties time to close the transaction.",
            "Critics in Congress said key questions remained open, including who would control the recommendation algorithm and whether it would be retrained on US data only.",
        ],
    },
    {
        "title": "Lemon8 and RedNote: two very different escape routes",
        "authors": ["Amara Nwosu"],
        "paragraphs": [
            "When TikTok users started shopping for alternatives, two apps rose to the top of the charts together.",
            "Lemon8 looks a lot like Xiaohongshu, with photo posts and lifestyle tips, but it belongs to ByteDance and is covered by the same law as TikTok.",
            "Xiaohongshu has no connection to ByteDance, which made it the more popular protest choice even though it was built for Chinese-speaking users.",
            "Analysts said neither app was likely to replace TikTok's short video feed, but the surge showed how quickly users would move when they felt pushed.",
        ],
    },
]

ZH = [
    {
        "title": "美国众议院通过涉TikTok法案",
        "authors": ["周启明"],
        "paragraphs": [
            "当地时间13日，美国众议院以352票赞成、65票反对的结果通过一项法案，要求字节跳动在规定期限内剥离TikTok美国业务，否则该应用将在美国被禁止下载和更新。",
            "法案支持者称，此举是出于数据安全方面的考虑。反对者则认为，法案侵犯了上千万美国用户的言论自由。",
            "此前，TikTok曾在应用内弹窗，呼吁用户致电国会议员表达反对意见。",
            "该法案还需参议院审议通过，并经总统签署后方能生效。",
        ],
    },
    {
        "title": "美最高法院维持TikTok“不卖就禁”法律",
        "authors": ["孙悦", "梁振华"],
        "paragraphs": [
            "美国最高法院17日作出裁决，一致维持要求TikTok母公司出售其美国业务的法律。",
            "裁决意见认为，国会出于国家安全考虑作出的决定有充分依据，该法律并不针对言论内容本身。",
            "按照法律规定，如果在19日前未能完成剥离，应用商店和网络服务商将不得继续为TikTok提供服务。",
            "有美国媒体评论称，这一裁决意味着TikTok在美国的前景将取决于新一届政府的态度。",
        ],
    },
    {
        "title": "大批美国网友涌入小红书 自称“TikTok难民”",
        "authors": ["何佳怡"],
        "paragraphs": [
            "最近几天，小红书登上美国苹果应用商店免费榜首位。大量美国用户注册账号，并在帖子中使用“TikTok难民”话题标签。",
            "不少中国网友热情欢迎这些新用户，有人主动用英语介绍平台规则，有人帮忙翻译评论。",
            "这个话题下的笔记数量在一夜之间从两千多条增长到七万多条。",
            "有分析认为，这一现象反映出普通网民对政治因素干扰正常社交的不满。",
            "小红书方面尚未公布新增海外用户的具体数字。",
        ],
    },
    {
        "title": "从“猫税”到“对账”：中美网友在小红书上的奇妙相遇",
        "authors": ["许静"],
        "paragraphs": [
            "美国新用户来到小红书，第一件事往往是“交猫税”——晒出自己家猫咪或狗狗的照片。",
            "这个玩笑般的规矩很快成了中美网友之间的默契，评论区里满是各种宠物照片和问候。",
            "随后流行起来的是“对账”。双方网友晒出房租、超市小票和医疗账单，比较生活开销。",
            "不少美国网友惊讶于中国城市的看病费用，中国网友则对美国的房价和工资水平充满好奇。",
            "有学者表示，这样直接的民间交流在过去并不多见。",
        ],
    },
    {
        "title": "小红书紧急上线翻译功能",
        "authors": ["陈思远"],
        "paragraphs": [
            "面对大量英文内容，小红书近日上线了笔记和评论的翻译功能。",
            "用户点击翻译按钮，即可将英文内容转换为中文，也可将中文翻译成英文。",
            "有网友测试后表示，翻译效果总体不错，但对网络流行语的处理还不够准确。",
            "业内人士认为，翻译功能的推出有助于平台留住新用户，但也对内容审核提出了更高要求。",
        ],
    },
    {
        "title": "TikTok在美国暂停服务后又恢复",
        "authors": ["王海涛"],
        "paragraphs": [
            "美国东部时间18日晚，TikTok在美国停止服务，用户打开应用时看到一条提示，称相关法律已经生效，服务暂时不可用。",
            "与此同时，该应用从苹果和谷歌的应用商店下架。",
            "19日，TikTok表示正在恢复服务，并称这得益于候任总统作出的承诺。",
            "不少用户在社交媒体上表示，这次停服经历“像做了一场梦”。",
        ],
    },
    {
        "title": "特朗普签署行政令 暂缓执行TikTok禁令75天",
        "authors": ["刘畅"],
        "paragraphs": [
            "美国总统特朗普20日签署行政令，指示司法部在75天内暂不执行针对TikTok的相关法律。",
            "行政令称，新一届政府需要时间评估国家安全风险，并寻找适当的解决方案。",
            "有法律专家指出，行政令能否暂停一项已被最高法院确认的法律，仍存在争议。",
            "截至目前，TikTok尚未重新回到美国的应用商店。",
        ],
    },
    {
        "title": "“TikTok难民”热潮退去 小红书留下了什么",
        "authors": ["郑雨桐"],
        "paragraphs": [
            "随着TikTok恢复服务，不少美国用户陆续回到原来的平台，小红书上的英文内容明显减少。",
            "不过，仍有一部分美国网友留了下来，他们继续在平台上学习中文、分享生活。",
            "有博主表示，这段经历让自己结识了许多来自中国的朋友，也改变了自己对中国的一些看法。",
            "对于小红书来说，这次意外的流量高峰带来了国际知名度，也带来了管理多语言社区的新课题。",
        ],
    },
    {
        "title": "柠檬8下载量同步飙升 同属字节跳动引关注",
        "authors": ["黄立新"],
        "paragraphs": [
            "在小红书登顶美国应用商店的同时，字节跳动旗下的柠檬8也冲上了榜单第二位。",
            "柠檬8的界面与小红书类似，以图文分享为主。但由于同属字节跳动，它同样受到相关法律的约束。",
            "有分析人士认为，不少用户在选择替代应用时，更多关注的是使用体验，而非应用背后的公司。",
            "TikTok停服期间，柠檬8也一同从美国应用商店下架。",
        ],
    },
    {
        "title": "TikTok美国合资公司框架出炉",
        "authors": ["马文博"],
        "paragraphs": [
            "美国总统签署行政令，认定TikTok美国合资公司方案符合法律所要求的“合格剥离”。",
            "根据框架安排，字节跳动在新公司中的持股比例将低于百分之二十，甲骨文公司负责数据安全。",
            "行政令同时给予120天的宽限期，以便各方完成交易。",
            "外界关注的焦点仍在于推荐算法的归属和使用方式。",
        ],
    },
    {
        "title": "美上诉法院驳回TikTok诉求",
        "authors": ["吴晓峰"],
        "paragraphs": [
            "美国哥伦比亚特区联邦上诉法院6日裁定，驳回TikTok及其母公司对“不卖就禁”法律提出的挑战。",
            "法院认为，政府基于国家安全的理由足以支持该法律。",
            "TikTok表示将继续上诉至最高法院。",
            "根据法律规定，TikTok须在明年1月19日前完成剥离。",
        ],
    },
    {
        "title": "网友热议：小红书的“国际化时刻”",
        "authors": ["林可欣"],
        "paragraphs": [
            "连日来，“小红书国际化”成为社交平台上的热门话题。",
            "有网友调侃，自己一觉醒来，发现首页被外国人的自我介绍刷屏了。",
            "也有人认真地教外国网友说“你好”“谢谢”，还整理了一份简单的中文入门清单。",
            "还有不少人开始反过来向美国网友请教英语口语，评论区变成了“互助课堂”。",
            "专家提醒，跨文化交流需要相互尊重，也要注意保护个人隐私。",
        ],
    },
]
