"""Questions as team members type them, each with the items that answer it.

(question, archive, tags, answers): archive "examples" is examples/archive, "fixtures" the two
real issues in ../shared/fixtures/archive; tags: "zh" or "en" (the asker's language) and "cross"
when the answering items are written in the other language (or the question uses a term the
items spell differently, 监控 for monitoring); answers are (issue, a piece of the item's text).
A question succeeds when one of the reply's first three items is an answer.
"""

Q = [
    # --- examples/archive, English -------------------------------------------------------
    ("glance?", "examples", "en", [(24, "镜像签名")]),
    ("any news about heat autoscaling?", "examples", "en", [(24, "Autoscaling with Heat"), (21, "autoscaling")]),
    ("tell me about DVR", "examples", "en", [(20, "DVR")]),
    ("is there anything on the nova scheduler split", "examples", "en", [(23, "scheduler split"), (26, "scheduler 拆分"), (22, "调度器拆分")]),
    ("What's new in Swift?", "examples", "en", [(26, "Swift 的存储策略")]),
    ("newest neutron news", "examples", "en", [(26, "Neutron 性能调优")]),
    ("neutron links since december 2014", "examples", "en", [(26, "Neutron 性能调优"), (25, "Neutron")]),
    ("heat since november", "examples", "en", [(26, "Mistral"), (25, "ResourceChain")]),
    ("neutron before issue 21", "examples", "en", [(20, "DVR")]),
    ("nova news in the last 2 months", "examples", "en", [(26, "十件事"), (26, "Gantt"), (25, "热迁移")]),
    ("heat in issues 20 to 22", "examples", "en", [(22, "convergence"), (21, "autoscaling"), (20, "HOT template")]),
    ("HOT template tutorial", "examples", "en", [(20, "HOT template")]),
    ("show me the latest issue", "examples", "en", [(26, "")]),
    ("nova in issue 21", "examples", "en", [(21, "NUMA"), (21, "Live migration of instances")]),
    ("live-migration", "examples", "en", [(20, "热迁移"), (21, "Live migration"), (22, "live migration"), (24, "live migration"), (25, "Live migration"), (26, "热迁移")]),
    ("ipv6 support in neutron?", "examples", "en", [(25, "IPv6")]),
    ("code review for beginners", "examples", "en", [(20, "code review")]),
    ("when is the kilo release schedule", "examples", "en", [(24, "Kilo 的发布日程"), (26, "Kilo-2"), (22, "Kilo 发布周期")]),
    ("anything about gnocchi", "examples", "en", [(23, "Gnocchi")]),
    ("glnace links", "examples", "en", [(24, "镜像签名")]),
    ("horizon angularjs", "examples", "en", [(22, "AngularJS")]),
    ("tempest tests on devstack", "examples", "en", [(20, "Tempest 的 scenario")]),
    ("heat convergence", "examples", "en", [(22, "convergence"), (23, "convergence")]),
    ("nova last 2", "examples", "en", [(26, "十件事"), (26, "Gantt"), (25, "热迁移")]),
    # English asked, Chinese written (cross-lingual)
    ("monitoring", "examples", "en cross", [(20, "monitoring"), (25, "监控"), (21, "监控"), (23, "监控")]),
    ("any articles about image signing", "examples", "en cross", [(24, "镜像签名")]),
    ("performance tuning for neutron", "examples", "en cross", [(26, "性能调优")]),
    ("storage policies erasure code", "examples", "en cross", [(26, "storage policies")]),
    ("how do I configure multiple external networks", "examples", "en cross", [(24, "多个外部网络")]),
    ("contributor guide", "examples", "en cross", [(25, "贡献者指南"), (26, "贡献者")]),
    ("quota management", "examples", "en cross", [(22, "配额管理")]),
    ("logging guidelines across projects", "examples", "en cross", [(22, "日志规范")]),
    # --- examples/archive, Chinese -------------------------------------------------------
    ("有没有关于热迁移的文章", "examples", "zh", [(20, "热迁移"), (23, "热迁移"), (25, "热迁移"), (26, "热迁移")]),
    ("最近有什么关于nova的文章", "examples", "zh", [(26, "十件事"), (26, "Gantt")]),
    ("有哪些讲heat的文章？", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain")]),
    ("关于ceilometer有什么", "examples", "zh", [(25, "采样频率"), (23, "Gnocchi")]),
    ("第25期的heat", "examples", "zh", [(25, "ResourceChain")]),
    ("上上期", "examples", "zh", [(25, "")]),
    ("最新一期有什么", "examples", "zh", [(26, "")]),
    ("2014年12月以来的neutron", "examples", "zh", [(26, "Neutron 性能调优"), (25, "vendor 插件")]),
    ("最近两个月的heat", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain")]),
    ("第21期以前的nova", "examples", "zh", [(20, "热迁移"), (20, "cells v2")]),
    ("11月以来的heat有什么", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain")]),
    ("第24期到第25期的heat", "examples", "zh", [(25, "ResourceChain"), (24, "Autoscaling with Heat")]),
    ("neutron 插件拆分", "examples", "zh", [(23, "插件拆分"), (25, "插件拆分"), (22, "拆分 vendor 插件")]),
    ("glance 镜像", "examples", "zh", [(24, "镜像签名")]),
    ("峰会上讨论了什么？", "examples", "zh", [(23, "峰会"), (22, "峰会")]),
    ("Juno 发布了吗", "examples", "zh", [(21, "Juno 于 10月16日正式发布")]),
    ("请问有没有 swift 的存储策略？", "examples", "zh", [(26, "存储策略")]),
    ("块迁移", "examples", "zh", [(20, "块迁移"), (25, "块迁移")]),
    # Chinese asked, English written (cross-lingual)
    ("监控", "examples", "zh cross", [(20, "monitoring"), (24, "监控 alarms")]),
    ("heat 自动伸缩", "examples", "zh cross", [(24, "Autoscaling with Heat"), (21, "autoscaling")]),
    ("调度器", "examples", "zh cross", [(23, "scheduler split"), (26, "scheduler"), (22, "调度器")]),
    ("热迁移 NUMA", "examples", "zh cross", [(25, "NUMA-pinned"), (21, "NUMA")]),
    ("企业为什么选择openstack", "examples", "zh", [(21, "enterprises"), (21, "公有云")]),
    ("nova 接口版本管理", "examples", "zh", [(24, "microversion")]),
    # --- ../shared/fixtures/archive (issues 15 and 19) -------------------------------------
    ("horizon ssl", "fixtures", "en", [(15, "SSL")]),
    ("L3 HA", "fixtures", "en", [(19, "Layer 3 High Availability")]),
    ("三层高可用", "fixtures", "zh cross", [(19, "Layer 3 High Availability")]),
    ("tell me about docker", "fixtures", "en", [(15, "Docker")]),
    ("anything about manila?", "fixtures", "en", [(19, "Manila")]),
    ("heat auto-scaling", "fixtures", "en", [(19, "Auto-Scaling")]),
    ("TOSCA", "fixtures", "en", [(19, "TOSCA")]),
    ("live migration", "fixtures", "en", [(19, "live migration")]),
    ("cinder", "fixtures", "en", [(15, "SDS"), (15, "容灾")]),
    ("glance swift backend", "fixtures", "en cross", [(19, "Swift后端存储")]),
    ("disaster recovery in cinder", "fixtures", "en cross", [(15, "容灾")]),
    ("how to change the hostname", "fixtures", "en cross", [(19, "主机名")]),
    ("monitoring and alerting", "fixtures", "en cross", [(19, "监控告警"), (15, "Monitoring as a Service")]),
    ("high availability load balancer", "fixtures", "en", [(19, "高可用的Load Balancers"), (19, "Layer 3 High Availability")]),
    ("有没有关于docker的消息", "fixtures", "zh", [(15, "Docker")]),
    ("关于manila有什么资料", "fixtures", "zh", [(19, "Manila")]),
    ("ceilometer 性能", "fixtures", "zh", [(15, "性能"), (19, "瓶颈")]),
    ("nova-network 升级到 neutron", "fixtures", "zh", [(19, "nova-network")]),
    ("虚拟机单网卡两个IP", "fixtures", "zh", [(15, "单网卡")]),
    ("devstack 代理", "fixtures", "zh", [(19, "Devstack使用代理")]),
    ("第十九期的neutron", "fixtures", "zh", [(19, "allowed-address-pairs"), (19, "Layer 3")]),
    ("热迁移怎么配置", "fixtures", "zh cross", [(19, "live migration")]),
    ("高可用", "fixtures", "zh cross", [(19, "High Availability"), (15, "HA"), (19, "高可用")]),
    ("自动伸缩", "fixtures", "zh cross", [(19, "Auto-Scaling")]),
    ("负载均衡", "fixtures", "zh cross", [(19, "Load Balancers"), (15, "LoadBalancer")]),
    ("有没有讲 heat 性能分析的", "fixtures", "zh cross", [(19, "profile Heat")]),
    ("trove 教程", "fixtures", "zh", [(15, "Trove教程"), (15, "trove")]),
    ("2014年6月的文档计划", "fixtures", "zh", [(15, "文档")]),
]

Q += [
    ("nova 的 cells v2 有什么进展", "examples", "zh", [(20, "cells v2"), (22, "cells v2")]),
    ("DVR 原理", "examples", "zh", [(20, "DVR 在 Juno 中的实现原理")]),
    ("最近三期的heat", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain"), (24, "abandon")]),
    ("有没有 Rally 的文章", "fixtures", "zh", [(15, "Rally")]),
    ("技术委员会", "fixtures", "zh", [(15, "技术委员会")]),
    ("MySQL 高可用", "fixtures", "zh", [(15, "MySQL Fabric")]),
    ("为 glance 配置 swift 存储", "fixtures", "zh", [(19, "Swift后端存储")]),
]

# Session 4: kinds a held-out set of real questions is likely to hold, written from the domain
# (the week's news of a project, release news, a name mentioned in passing, a how-to, a summit
# recap, an English term for a Chinese item and back), each checked against what the items say.
Q += [
    ("what's new in neutron this week?", "examples", "en", [(26, "Neutron 性能调优")]),
    ("上一期有哪些 neutron 的内容", "examples", "zh", [(26, "Neutron 性能调优")]),
    ("any news on the juno release?", "examples", "en cross", [(21, "Juno 于 10月16日正式发布"), (20, "Juno RC1")]),
    ("juno 的发布说明", "examples", "zh", [(21, "发布说明")]),
    ("DefCore", "examples", "en", [(23, "DefCore")]),
    ("NFV 落地", "examples", "zh", [(23, "NFV")]),
    ("block migration performance on kvm", "examples", "en cross", [(24, "KVM 上的性能测试")]),
    ("l3 ha 怎么配置", "examples", "zh", [(21, "L3 HA")]),
    ("heat workflow", "examples", "en cross", [(26, "工作流")]),
    ("user survey results", "examples", "en cross", [(21, "用户调查")]),
    ("why is my patch waiting in the gate", "examples", "en", [(24, "gate")]),
    ("stable branch backports for live migration", "examples", "en cross", [(25, "稳定分支")]),
    ("neutron 在峰会上讨论了什么", "examples", "zh", [(22, "Kilo 峰会 Neutron 讨论"), (23, "Neutron 核心团队在峰会上")]),
    ("IPv6 有进展吗", "examples", "zh", [(25, "IPv6")]),
    ("ceilometer 数据库膨胀怎么办", "examples", "zh", [(25, "数据库膨胀")]),
    ("designate dns", "fixtures", "en", [(15, "Designate")]),
    ("openstack 安全问题", "fixtures", "zh", [(15, "安全")]),
    ("where can I get images for openstack", "fixtures", "en cross", [(15, "镜像是OpenStack")]),
    ("如何生成默认配置文件", "fixtures", "zh", [(19, "默认的配置文件")]),
    ("VMware 发行版", "fixtures", "zh", [(19, "VMware")]),
    ("TripleO", "fixtures", "en", [(15, "TripleO")]),
    ("icehouse 2014.1.1 release notes", "fixtures", "en", [(15, "2014.1.1")]),
    ("who is the nova PTL", "fixtures", "en", [(15, "Nova PTL")]),
    ("heat 和 trove 集成", "fixtures", "zh", [(15, "heat已经集成trove")]),
    ("what happened at the atlanta summit", "fixtures", "en cross", [(15, "亚特兰大峰会"), (15, "Atlanta峰会")]),
    ("ceilometer hbase", "fixtures", "en", [(15, "Hbase")]),
    ("how to become a good openstack developer", "fixtures", "en cross", [(15, "理想的OpenStack程序员")]),
    ("docker 1.0 发布了吗", "fixtures", "zh", [(15, "Docker 1.0")]),
    ("QA program", "fixtures", "en", [(19, "QA Program")]),
    ("CERN", "fixtures", "en", [(19, "CERN")]),
    ("paris summit special", "examples", "en", [(23, "")]),
    ("2014年11月的那期", "examples", "zh", [(23, ""), (24, "")]),
    ("gantt", "examples", "en", [(26, "Gantt")]),
    ("erasure coding", "examples", "en", [(26, "erasure code")]),
    ("nova numa 调度", "examples", "zh", [(21, "NUMA 拓扑感知调度")]),
    ("ML2 driver", "examples", "en", [(25, "ML2 mechanism driver")]),
    ("what did the user experience team do", "fixtures", "en cross", [(15, "User Experience 小组")]),
    ("tc meetings", "fixtures", "en cross", [(15, "TC会议")]),
    ("如何成为 core reviewer", "examples", "zh", [(20, "code review")]),
    ("security", "fixtures", "en cross", [(15, "安全问题")]),
    ("有什么关于文档的新闻", "fixtures", "zh", [(15, "文档")]),
    ("what are the kilo priorities for nova", "examples", "en cross", [(22, "Kilo 的 Nova 优先级"), (23, "priority for Kilo")]),
    ("nova-network migration", "examples", "en cross", [(22, "nova-network 到 Neutron 的迁移路径")]),
    ("what's the release date of kilo-1", "examples", "en cross", [(24, "kilo-1 预计"), (25, "kilo-1 如期发布")]),
    ("有没有关于 Gnocchi 的介绍", "examples", "zh", [(23, "Gnocchi")]),
    ("Heat 的 convergence 是什么", "examples", "zh", [(22, "convergence"), (23, "convergence")]),
    ("TripleO 是什么", "fixtures", "zh", [(15, "TripleO")]),
    ("有关 rsyslog 的文章吗", "fixtures", "zh", [(15, "rsyslog")]),
    ("Kilo 的 Nova 有哪些优先事项", "examples", "zh", [(22, "Kilo 的 Nova 优先级")]),
    ("怎么修改主机名", "fixtures", "zh", [(19, "主机名")]),
    ("峰会上 heat 有什么新消息", "examples", "zh", [(23, "Heat 峰会回顾")]),
    ("OpenStack 用户调查", "examples", "zh", [(21, "用户调查")]),
    ("谁在用 openstack 做公有云", "examples", "zh", [(21, "公有云")]),
    ("负载均衡器的高可用怎么做", "fixtures", "zh", [(19, "高可用的Load Balancers")]),
    ("Oslo 库拆分进展如何", "examples", "zh", [(22, "Oslo 库拆分进度")]),
    ("Icehouse 版本的 Horizon 怎么配置 SSL", "fixtures", "zh", [(15, "SSL")]),
    # --- s6-en probe kinds: English over the Chinese text (month words, typos, glossary, numbers) ---
    ("live migration in production", "examples", "en cross", [(26, "生产环境")]),
    ("highly available l3 in neutron", "examples", "en cross", [(21, "L3 HA")]),
    ("neutron multiple external networks", "examples", "en cross", [(24, "多个外部网络")]),
    ("bug fixes for nova live migration", "examples", "en cross", [(25, "bug 修复"), (25, "修复")]),
    ("telco nfv experience", "examples", "en cross", [(23, "运营商")]),
    ("what was in issue twenty-four", "examples", "en", [(24, "")]),
    ("the 21st issue", "examples", "en", [(21, "")]),
    ("news on the k release", "examples", "en cross", [(24, "Kilo"), (22, "Kilo"), (26, "Kilo"), (25, "kilo"), (23, "Kilo")]),
    ("the december issue", "examples", "en", [(26, ""), (25, "")]),
    ("the editor's note of issue 20", "examples", "en cross", [(20, "写在前面")]),
    ("第20期的写在前面", "examples", "zh", [(20, "写在前面")]),
    ("最早的一期", "examples", "zh", [(19, "")]),
    ("Neutron 的多个外部网络怎么配置", "examples", "zh", [(24, "多个外部网络")]),
    ("生产环境里做热迁移要注意什么", "examples", "zh", [(26, "生产环境")]),
    ("Neutron 的高可用", "examples", "zh cross", [(21, "L3 HA")]),
    ("有没有监控告警的例子", "examples", "zh cross", [(24, "监控 alarms"), (21, "告警")]),
    ("nova 热迁移的 bug 修复", "examples", "zh", [(25, "修复")]),
    ("Heat 模板的示例", "examples", "zh", [(20, "SoftwareDeployment"), (20, "HOT template")]),
    ("第二十四期的 glance", "examples", "zh", [(24, "镜像签名")]),
    # --- session 6, zh probe: kinds found over a real archive, shown over examples/archive ---
    ("二十四期的heat", "examples", "zh", [(24, "Autoscaling with Heat"), (24, "stack abandon")]),  # no 第
    ("十一月到十二月的neutron", "examples", "zh", [(25, "vendor 插件拆分"), (25, "IPv6")]),  # months, no year
    ("2014-12-01以来的heat", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain")]),  # ISO date glued
    ("neutron最近在干嘛", "examples", "zh", [(26, "Neutron 性能调优")]),  # colloquial frames
    ("nova咋样了", "examples", "zh", [(26, "十件事"), (26, "Gantt")]),
    ("想问一下swift", "examples", "zh", [(26, "Swift 的存储策略")]),
    ("查看第二十五期", "examples", "zh", [(25, "")]),
    ("k版的发布计划", "examples", "zh cross", [(24, "Kilo 的发布日程")]),  # a release by its letter
    # a newcomer's questions (s6 probe "new"): the digest named as 周报, how often it comes out, a
    # typo two letters apart, beginner material
    ("这个周报是讲什么的", "examples", "zh", [(26, "")]),
    ("这个周报多久出一期", "examples", "zh", [(26, "")]),
    ("how often does the digest come out?", "examples", "en", [(26, "")]),
    ("what is this newsletter about?", "examples", "en", [(26, "")]),
    ("anything on hoziron?", "examples", "en", [(22, "AngularJS")]),
    ("any beginner guide?", "examples", "en cross", [(20, "入门介绍")]),
    ("我刚接触openstack，有没有入门的资料推荐", "examples", "zh", [(20, "入门介绍")]),
    ("cool, and for heat?", "examples", "en", [(26, "Mistral"), (25, "ResourceChain")]),  # chat words around a project
    ("谢谢，那nova呢", "examples", "zh", [(26, "十件事"), (26, "Gantt"), (25, "热迁移")]),
    # --- session 6, mix probe: terse power users, English and Chinese in one line ---
    ("issue no. 24", "examples", "en", [(24, "")]),  # a number word before the number
    ("the issue before the latest", "examples", "en", [(25, "")]),
    ("autoscal*", "examples", "en", [(24, "Autoscaling with Heat"), (21, "autoscaling")]),  # a wildcard
    ("swift 策略", "examples", "zh", [(26, "Swift 的存储策略")]),  # policy/策略 in the glossary
    ("storage policy OR policies", "examples", "en", [(26, "Swift 的存储策略")]),
    # --- session 6, ops probe: operators and managers ---
    ("issues in december 2014", "examples", "en", [(26, "")]),  # #26 (1210-0105) covers most of December
    ("2014年12月的周报", "examples", "zh", [(26, "")]),
    ("juno release candidate", "examples", "en cross", [(20, "Juno RC1")]),  # rc1 is a release candidate
    ("nova network to neutron", "examples", "en cross", [(22, "nova-network 到 Neutron 的迁移路径")]),  # not project Nova
    # --- session 6, rank probe: no item has every word; a group counts as its best alternative ---
    ("is there a benchmark of live migration downtime on kvm?", "examples", "en",
     [(24, "KVM")]),  # 热迁移(live migration) no longer wins by naming the term twice
    ("kvm 上热迁移的停机时间有测试数据吗", "examples", "zh", [(24, "KVM")]),
    # the team guide's own examples, over the example archive's issue 19 (Keystone, Glance)
    ("最近有什么关于keystone的文章", "examples", "zh", [(19, "联邦认证"), (19, "Fernet")]),
    ("issue 19", "examples", "en", [(19, "")]),
    ("keystone token", "examples", "en cross", [(19, "Fernet 令牌")]),
    # --- session 7, links probe: words only in an item's links (its URL's host and path words, and
    # the kind of link: a gerrit review, a blueprint, a bug, a mailing-list thread, an etherpad, a wiki)
    ("debugging live migration failures", "examples", "en cross", [(22, "排查思路")]),  # in the URL's path
    ("ten checks before live migration", "examples", "en cross", [(26, "十件事")]),
    ("east-west traffic in dvr", "examples", "en cross", [(20, "东西向流量")]),
    ("gerrit change 130904", "examples", "en cross", [(24, "镜像签名")]),  # a change number
    ("nova gerrit reviews", "examples", "en cross", [(20, "cells v2"), (22, "Kilo 的 Nova 优先级"), (24, "microversion"),
                                                    (25, "还有一个修复"), (26, "Gantt")]),  # review links: gerrit
    ("heat的补丁", "examples", "zh", [(25, "ResourceChain"), (23, "convergence")]),  # 补丁: patch, a review's kind
    ("ML thread on numa live migration", "examples", "en", [(25, "NUMA-pinned")]),  # a pipermail link
    ("邮件列表里关于numa的讨论", "examples", "zh cross", [(25, "NUMA-pinned")]),
    ("neutron summit etherpad", "examples", "en cross", [(22, "以上三点")]),
    ("kilo release schedule wiki", "examples", "en cross", [(24, "发布日程"), (26, "Kilo-2")]),
    ("nova的bug链接", "examples", "zh", [(25, "#1386234"), (25, "#1391122")]),  # +bug links
    ("keystone review", "examples", "en cross", [(19, "Fernet")]),
    ("oslo graduation status", "examples", "en cross", [(22, "Oslo 库拆分")]),
    ("cells v2 spec review", "examples", "en cross", [(20, "cells v2")]),
    ("nova的review链接", "examples", "zh", [(20, "cells v2"), (22, "Kilo 的 Nova 优先级"), (24, "microversion"),
                                         (25, "还有一个修复"), (26, "Gantt")]),
    ("glance的gerrit链接", "examples", "zh", [(24, "镜像签名")]),
    ("neutron峰会的etherpad", "examples", "zh", [(22, "以上三点")]),
    ("kilo发布日程的wiki", "examples", "zh", [(24, "发布日程"), (26, "Kilo-2")]),
    ("keystone的补丁", "examples", "zh", [(19, "Fernet")]),
    ("热迁移的邮件列表讨论", "examples", "zh cross", [(25, "NUMA-pinned")]),
    ("oslo毕业状态的wiki", "examples", "zh", [(22, "Oslo 库拆分")]),
    # --- session 7, cycle probe: the vocabulary of a whole archive (releases, milestones, programs) ---
    ("what happened in j-3?", "examples", "en cross", [(19, "Juno-3")]),  # a milestone as typed
    ("kilo2 什么时候", "examples", "zh", [(26, "Kilo-2")]),
    ("heat during the juno cycle", "examples", "en", [(21, "Juno 里新增"), (20, "SoftwareDeployment")]),  # a cycle: dates
    ("kilo周期的heat有啥", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain"), (24, "abandon")]),
    ("J版期间 nova 的动态", "examples", "zh", [(21, "NUMA"), (21, "attached volumes"), (20, "热迁移")]),
    ("身份认证 令牌", "examples", "zh", [(19, "Fernet 令牌")]),  # a program name (Identity) is the project
    ("编排 convergence 进展", "examples", "zh", [(22, "convergence"), (23, "convergence")]),
    ("kilo summit recap", "examples", "en cross", [(23, "Paris summit recap")]),  # the Kilo summit was Paris's
    ("编排项目最近有什么", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain")]),  # 编排 (Orchestration) is Heat
    # --- session 7, voices probe: a month as it stands, abbreviations, an issue as a whole, "+" and
    # an ellipsis between words, symptoms, traditional characters ---
    ("10月份nova有什么动态", "examples", "zh", [(21, "NUMA"), (21, "Live migration of instances"), (22, "")]),
    ("十一月neutron", "examples", "zh", [(24, "多个外部网络"), (23, "")]),  # no 的, no 以来: still the month
    ("prev issue", "examples", "en", [(25, "")]),
    ("summary of the latest issue", "examples", "en", [(26, "")]),
    ("overview of issue 22", "examples", "en", [(22, "")]),
    ("总结一下第24期", "examples", "zh", [(24, "")]),
    ("nova＋neutron in issue 24", "examples", "en", [(24, "多个外部网络"), (24, "Block live migration")]),
    ("heat模版", "examples", "zh", [(20, "Heat 模板"), (20, "HOT template")]),  # 模版, as often typed for 模板
    ("neutron很慢", "examples", "zh cross", [(26, "Neutron 性能调优")]),  # a symptom: performance
    ("slow neutron agents", "examples", "en cross", [(26, "Neutron 性能调优")]),
    ("云主机配置多个外部网络", "examples", "zh", [(24, "多个外部网络")]),  # 云主机, 虚机: virtual machine
    ("虚拟机连不上多个外部网络", "examples", "zh", [(24, "多个外部网络")]),
    ("熱遷移", "examples", "zh", [(20, "热迁移"), (26, "热迁移"), (25, "热迁移")]),  # traditional characters
    ("虛擬機 外部網絡", "examples", "zh", [(24, "多个外部网络")]),
    ("keystone…fernet", "examples", "en", [(19, "Fernet")]),
    ("这两期heat", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain")]),  # these two: the last two
    ("最早那期", "examples", "zh", [(19, "")]),
    ("count of heat items", "examples", "en", [(26, "Mistral"), (25, "ResourceChain")]),  # counting: the project
    ("neutron条目数量", "examples", "zh", [(26, "Neutron 性能调优"), (25, "IPv6")]),
    ("路由器高可用", "examples", "zh cross", [(21, "L3 HA")]),  # Neutron's L3 HA: VRRP, keepalived
    ("keepalived routers", "examples", "en cross", [(21, "L3 HA")]),
    ("nova october", "examples", "en", [(21, "NUMA"), (21, "Live migration of instances"), (22, "调度器拆分")]),  # a month alone
    ("heat november", "examples", "en", [(23, "convergence"), (24, "Autoscaling with Heat")]),
    ("devstak", "examples", "en", [(20, "devstack")]),  # a typo of a glossary word (devstack)
    ("巴黎峰会之后的nova", "examples", "zh", [(26, "十件事"), (26, "Gantt"), (25, "热迁移相关"), (24, "microversion"), (23, "Paris summit recap")]),  # a summit's day
    ("neutron before the paris summit", "examples", "en", [(22, "以上三点"), (22, "IPAM"), (22, "vendor 插件"), (22, "nova-network")]),
    ("heat q4 2014", "examples", "en", [(25, "ResourceChain"), (24, "Autoscaling with Heat"), (24, "abandon")]),  # a quarter
    ("上季度的nova", "examples", "zh", [(25, "热迁移相关的几个 bug"), (25, "#1386234"), (25, "#1391122")]),
]

Q += [
    # --- probe-ref session: a newcomer over the real archive. Misspelt words the items write (not
    # only the glossary's), two words typed as one, a Chinese term typed with a homophone of one
    # character, abbreviations and company events, a view and its critics, small English counts
    # over Chinese ones, people and vendors named in items, how-to questions
    ("gnochi", "fixtures", "en", [(15, "gnocchi"), (19, "gnocchi")]),  # a double letter typed once
    ("heat-transltor tosca", "fixtures", "en", [(19, "Heat-Translator")]),  # a letter left out, no glossary word
    ("osprofiler", "fixtures", "en", [(19, "OSprofile")]),
    ("neutron l3ha", "fixtures", "en", [(19, "Layer 3 High Availability")]),  # run together
    ("热迁一怎么配", "fixtures", "zh cross", [(19, "live migration")]),  # 一 for 移: a pinyin homophone
    ("负载均恒", "fixtures", "zh cross", [(19, "Load Balancers"), (15, "LoadBalancer")]),
    ("heat 自动伸宿", "fixtures", "zh cross", [(19, "Auto-Scaling")]),
    ("n-net migration to neutron", "fixtures", "en cross", [(19, "nova-network")]),
    ("vmworld openstack", "fixtures", "en cross", [(19, "VMware")]),  # a company's own conference
    ("dockercon attendance", "fixtures", "en cross", [(15, "Docker")]),
    ("有人质疑 neutron 的架构吗", "fixtures", "zh", [(15, "不同的声音")]),
    ("critics of neutron's design", "fixtures", "en cross", [(15, "不同的声音")]),
    ("one nic with two ips", "fixtures", "en cross", [(15, "单网卡")]),
    ("the three defcore cases", "fixtures", "en cross", [(15, "DefCore")]),
    ("ceilometer plans", "fixtures", "en cross", [(19, "路标")]),
    ("heat 的性能剖析", "fixtures", "zh cross", [(19, "profile Heat")]),
    ("之前有谁讲过 rsyslog", "fixtures", "zh", [(15, "rsyslog")]),
    ("what does anne gentle plan for the docs", "fixtures", "en", [(15, "Anne Gentle")]),
    ("what did the EMC engineer write about cinder", "fixtures", "en", [(15, "EMC")]),
    ("oracle 发布了什么", "fixtures", "zh", [(15, "MySQL Fabric")]),
    ("anything by mirantis", "fixtures", "en cross", [(15, "Mirantis的Rally"), (15, "Mirantis的Trove")]),
    ("how can I run devstack through a proxy", "fixtures", "en cross", [(19, "Devstack使用代理")]),
    ("how can an l3 agent serve several external networks", "fixtures", "en cross", [(15, "external network")]),
    ("怎么把已有的资源生成heat模板", "fixtures", "zh", [(15, "Flame")]),
    ("cinder的disaster recovery进展", "fixtures", "zh cross", [(15, "容灾")]),
    ("how many bugs did 2014.1.1 fix", "fixtures", "en cross", [(15, "79个bug")]),
    ("哪些项目在申请孵化", "fixtures", "zh", [(15, "Designate"), (19, "Manila")]),
    ("ceilometer 的发展规划", "fixtures", "zh cross", [(19, "路标")]),
    ("vmworld 上 vmware 发布了什么", "fixtures", "zh", [(19, "VMware")]),
    ("gnochi 是什么", "fixtures", "zh", [(15, "gnocchi"), (19, "gnocchi")]),
    ("nova 的热迁一", "fixtures", "zh cross", [(19, "live migration")]),
]

Q += [
    # --- ref3 probe: a fresh team member over both archives, written before running them. Frames and
    # typos, time words (上上期, 上个月, since june 2014, 第19期的heat), names that are no section (docker,
    # ceph, kvm), search syntax (OR, -word, "phrase", hyphens), people addressed (各位大佬, 大神们), a
    # verb said lightly (搜一搜, 查下), issues named together (第24期和第25期, 24、25期), 2014下半年.
    # "last month" is the month before the newest issue's: December 2014 (#25's and most of #26's).
    # fixtures (15, 19), Chinese
    ("上上期的docker", "fixtures", "zh", [(15, "Docker")]),
    ("第19期的heat", "fixtures", "zh", [(19, "Auto-Scaling"), (19, "TOSCA"), (19, "profile Heat")]),
    ("docker和谷歌有什么合作", "fixtures", "zh", [(15, "Docker")]),
    ("nfv 战略合作", "fixtures", "zh", [(15, "NFV")]),
    ("ipv6 生产环境部署", "fixtures", "zh", [(15, "IPv6"), (19, "IPv6")]),
    ("juno-1 什么时候发布", "fixtures", "zh", [(15, "juno-1版本release"), (15, "Juno-1会在")]),
    ("monaas是啥", "fixtures", "zh", [(15, "Monitoring as a Service")]),
    ("ceilometer 的 blueprint 实现情况", "fixtures", "zh", [(15, "blueprint milestone")]),
    ("有关sds的讨论", "fixtures", "zh", [(15, "SDS")]),
    ("flame 工具", "fixtures", "zh", [(15, "Flame")]),
    ("TOSCA是什么", "fixtures", "zh", [(19, "TOSCA")]),
    ("glance 项目范围有争议？", "fixtures", "zh", [(15, "Glance，大家对该项目")]),
    ("如何从nova-network迁移", "fixtures", "zh", [(19, "nova-network")]),
    ("live migraton怎么配", "fixtures", "zh cross", [(19, "live migration")]),
    ("分布式虚拟路由", "fixtures", "zh cross", [(19, "Distributed Virtual Routing")]),
    ("镜像从哪里下载", "fixtures", "zh", [(15, "镜像是OpenStack")]),
    ("2014年6月的heat", "fixtures", "zh", [(15, "Flame"), (15, "trove")]),
    ("上期neutron有啥", "fixtures", "zh", [(19, "allowed-address-pairs"), (19, "Layer 3"), (19, "nova-network"), (19, "Juno版本Neutron")]),
    ("heat 自动扩展", "fixtures", "zh cross", [(19, "Auto-Scaling")]),
    ("红帽 英特尔 合作", "fixtures", "zh cross", [(15, "Red Hat, Intel")]),
    ("nova 的 api 修改要提交 spec 吗", "fixtures", "zh", [(15, "quota class")]),
    ("cinder ptl 是谁", "fixtures", "zh", [(15, "John Griffith")]),
    ("ceilometer瓶颈", "fixtures", "zh", [(19, "瓶颈")]),
    # fixtures, English
    ("docker OR manila", "fixtures", "en", [(15, "Docker"), (19, "Manila")]),
    ('"high availability" -load', "fixtures", "en", [(19, "Layer 3 High Availability")]),
    ("allowed-address-pairs", "fixtures", "en", [(19, "allowed-address-pairs")]),
    ("neutron since june 2014", "fixtures", "en", [(19, "allowed-address-pairs"), (19, "Layer 3"), (15, "L3 agent"), (19, "nova-network"), (19, "Juno版本Neutron")]),
    ("what did red hat and intel announce", "fixtures", "en cross", [(15, "Red Hat, Intel")]),
    ("mysql fabric", "fixtures", "en", [(15, "MySQL Fabric")]),
    ("designate incubation", "fixtures", "en", [(15, "Designate")]),
    ("who's the cinder ptl?", "fixtures", "en", [(15, "John Griffith")]),
    ("rally blog post", "fixtures", "en", [(15, "Rally")]),
    ("trove replication", "fixtures", "en", [(15, "Trove")]),
    ("generate sample config files", "fixtures", "en", [(19, "默认的配置文件")]),
    ("duplicate services after renaming a host", "fixtures", "en cross", [(19, "主机名")]),
    ("ironic as a nova driver", "fixtures", "en", [(15, "Ironic")]),
    ("docs team plans", "fixtures", "en cross", [(15, "文档")]),
    ("golden images", "fixtures", "en", [(15, "Golden Images")]),
    ("dns as a service", "fixtures", "en", [(15, "Designate")]),
    ("drbd", "fixtures", "en", [(15, "drbd")]),
    ("issue 15", "fixtures", "en", [(15, "")]),
    ("heat in the 19th issue", "fixtures", "en", [(19, "Auto-Scaling"), (19, "TOSCA"), (19, "profile Heat")]),
    ("new neutron features in juno", "fixtures", "en", [(19, "Juno版本Neutron新功能")]),
    ("anything from kyle mestery", "fixtures", "en", [(19, "Kyle Mestery")]),
    ("heat -tosca", "fixtures", "en", [(19, "Auto-Scaling"), (19, "profile Heat"), (15, "Flame"), (15, "trove")]),
    ("wat about teh docker 1.0 release", "fixtures", "en", [(15, "Docker 1.0")]),
    ("distributed virtual routing", "fixtures", "en", [(19, "Distributed Virtual Routing")]),
    ("how to set up horizon with ssl", "fixtures", "en", [(15, "SSL")]),
    # examples, Chinese
    ("上期的nova", "examples", "zh", [(26, "十件事"), (26, "Gantt")]),
    ("上上期有什么heat", "examples", "zh", [(25, "ResourceChain")]),
    ("第22期的horizon", "examples", "zh", [(22, "AngularJS")]),
    ("有ceph相关的内容吗", "examples", "zh", [(19, "Ceph RBD")]),
    ("联邦认证", "examples", "zh", [(19, "联邦认证")]),
    ("keystone saml2怎么配", "examples", "zh", [(19, "SAML2")]),
    ("ipam", "examples", "en", [(22, "IPAM")]),
    ("mistral工作流", "examples", "zh", [(26, "Mistral")]),
    ("microversion 是啥", "examples", "zh", [(24, "microversion")]),
    ("2015年的nova", "examples", "zh", [(26, "十件事"), (26, "Gantt")]),
    ("kilo 2 的时间点", "examples", "zh", [(26, "Kilo-2")]),
    ("neutron ipv6 进度咋样", "examples", "zh", [(25, "IPv6")]),
    ("峰会特辑", "examples", "zh", [(23, "")]),
    ("2014年10月份的neutron", "examples", "zh", [(21, "L3 HA"), (22, "拆分 vendor")]),
    ("最近3期的glance", "examples", "zh", [(24, "镜像签名")]),
    ("tempest 测试用例迁移", "examples", "zh", [(26, "Tempest 的测试用例迁移")]),
    ("ml2 机制驱动", "examples", "zh cross", [(25, "ML2 mechanism driver")]),
    ("ceilometer告警和heat联动", "examples", "zh", [(21, "告警")]),
    ("nova的cell v2", "examples", "zh", [(20, "cells v2"), (22, "cells v2")]),
    ("neutron 东西向流量", "examples", "zh", [(20, "东西向流量")]),
    ("用nagios监控openstack", "examples", "zh cross", [(20, "Nagios")]),
    ("巴黎峰会 nfv", "examples", "zh", [(23, "NFV")]),
    ("2014 年度回顾", "examples", "zh", [(26, "2014 年 OpenStack 社区回顾")]),
    ("贡献者有多少", "examples", "zh", [(26, "贡献者数量")]),
    ("欧洲运营商", "examples", "zh", [(23, "欧洲运营商")]),
    ("第二十期的tempest", "examples", "zh", [(20, "Tempest 的 scenario")]),
    ("heat 或 swift", "examples", "zh", [(26, "Mistral"), (26, "Swift")]),
    ("上个月的heat", "examples", "zh", [(26, "Mistral"), (25, "ResourceChain")]),
    ("keystone 的 token 表太大了", "examples", "zh", [(19, "token 表膨胀")]),
    ("nova 的 gantt 进度", "examples", "zh", [(26, "Gantt")]),
    ("冷数据存储", "examples", "zh", [(26, "冷数据")]),
    ("openstack新手怎么提交第一个补丁", "examples", "zh", [(25, "第一个补丁")]),
    ("有没有neutron vendor插件拆分的消息", "examples", "zh", [(25, "vendor 插件拆分"), (23, "插件拆分"), (22, "拆分 vendor 插件")]),
    ("hypervisor 用的最多的是啥", "examples", "zh", [(21, "hypervisor")]),
    ("我想看 heat 的 softwaredeployment 例子", "examples", "zh", [(20, "SoftwareDeployment")]),
    ("ceilomter的告警", "examples", "zh", [(21, "告警")]),
    # examples, English
    ("whats in the latest issue", "examples", "en", [(26, "")]),
    ("neutron plugin decomposition", "examples", "en cross", [(23, "插件拆分"), (25, "vendor 插件")]),
    ("fernet tokens", "examples", "en cross", [(19, "Fernet")]),
    ("keystone saml federation", "examples", "en cross", [(19, "联邦认证")]),
    ("ceph", "examples", "en cross", [(19, "Ceph RBD")]),
    ("image signature", "examples", "en cross", [(24, "镜像签名")]),
    ("heat resource chain", "examples", "en cross", [(25, "ResourceChain")]),
    ("vrrp", "examples", "en cross", [(21, "VRRP")]),
    ("numa aware scheduling", "examples", "en cross", [(21, "NUMA")]),
    ("swift cold data", "examples", "en cross", [(26, "冷数据")]),
    ("rpc timeouts", "examples", "en cross", [(26, "RPC 超时")]),
    ("kilo-1 summary", "examples", "en cross", [(25, "kilo-1")]),
    ("nova from the last issue", "examples", "en", [(26, "十件事"), (26, "Gantt")]),
    ("heat stuff from issue #24", "examples", "en", [(24, "abandon"), (24, "Autoscaling")]),
    ("neutron since oct 2014", "examples", "en", [(26, "Neutron 性能调优"), (25, "IPv6"), (25, "vendor 插件")]),
    ("heat between issue 21 and 23", "examples", "en", [(21, "新增的资源类型"), (22, "convergence"), (23, "convergence")]),
    ("ipv6 OR numa", "examples", "en", [(25, "IPv6"), (21, "NUMA"), (25, "NUMA")]),
    ("cells-v2", "examples", "en", [(20, "cells v2"), (22, "cells v2")]),
    ("east-west", "examples", "en cross", [(20, "东西向")]),
    ('"storage policies"', "examples", "en", [(26, "storage policies")]),
    ("heat last month", "examples", "en", [(26, "Mistral"), (25, "ResourceChain")]),
    ("what's new with keystone?", "examples", "en cross", [(19, "联邦认证"), (19, "Fernet")]),
    ("nova scheduler -gantt", "examples", "en", [(23, "scheduler split"), (22, "调度器拆分")]),
    ("glance 镜像 copy-on-write", "examples", "zh", [(19, "copy-on-write")]),
    ("heat的stack adopt怎么用", "examples", "zh", [(24, "abandon/adopt")]),
    # second round: chat frames, people addressed, lists of issues, half years
    ("谁能给个nova的链接", "examples", "zh", [(26, "十件事"), (26, "Gantt"), (25, "热迁移相关")]),
    ("大佬们 neutron 最近咋样", "examples", "zh", [(26, "Neutron 性能调优")]),
    ("各位大神 keystone", "examples", "zh", [(19, "联邦认证"), (19, "Fernet")]),
    ("帮我搜下热迁移", "examples", "zh", [(20, "热迁移"), (26, "热迁移"), (23, "热迁移"), (25, "热迁移")]),
    ("搜一搜 块迁移", "examples", "zh", [(20, "块迁移"), (25, "块迁移")]),
    ("帮忙找下heat模板", "examples", "zh", [(20, "Heat 模板"), (20, "HOT template")]),
    ("第24期和第25期", "examples", "zh", [(24, ""), (25, "")]),
    ("24、25期的nova", "examples", "zh", [(24, "microversion"), (24, "Block live migration"), (25, "热迁移相关")]),
    ("第十五期和第十九期的heat", "fixtures", "zh", [(19, "Auto-Scaling"), (15, "Flame")]),
    ("2014下半年的heat", "examples", "zh", [(25, "ResourceChain"), (24, "abandon"), (24, "Autoscaling"), (23, "convergence"), (22, "convergence")]),
    ("do u have anything abt fernet", "examples", "en cross", [(19, "Fernet")]),
    ("how to use heat", "examples", "en", [(26, "Mistral"), (25, "ResourceChain"), (24, "abandon"), (24, "worked example"), (20, "HOT template")]),
    ("查下 cinder 容灾", "fixtures", "zh", [(15, "容灾")]),
    ("各位大佬，有没有 trove 的教程", "fixtures", "zh", [(15, "Trove教程")]),
    # counting back from the newest: 倒数第三期 is no issue 3
    ("倒数第三期", "examples", "zh", [(24, "")]),
    ("倒数第二期的heat", "examples", "zh", [(25, "ResourceChain")]),
    ("上上上期有啥", "examples", "zh", [(24, "")]),
    ("the third-to-last issue", "examples", "en", [(24, "")]),
    # a time word misspelt, names listed by ; or vs
    ("lastest issue", "examples", "en", [(26, "")]),
    ("newst nova", "examples", "en", [(26, "十件事"), (26, "Gantt")]),
    ("heat sicne november", "examples", "en", [(26, "Mistral"), (25, "ResourceChain"), (24, "abandon"), (24, "Autoscaling"), (23, "convergence")]),
    ("heat; nova", "examples", "en", [(26, "Mistral"), (26, "十件事"), (26, "Gantt")]),
    ("heat vs nova", "examples", "en", [(26, "Mistral"), (26, "十件事"), (26, "Gantt")]),
    ("10-12月的nova", "examples", "zh", [(25, "热迁移相关"), (25, "#1386234"), (25, "#1391122"), (24, "microversion")]),
    ("6-8月的heat", "fixtures", "zh", [(15, "Flame"), (15, "trove")]),  # #15 is dated 06-16
    # a link pasted into the question: its path's date is no time word
    ("有人看过这篇吗 https://ops.example.net/2014/12/ten-checks-before-live-migration", "examples", "zh", [(26, "十件事")]),
    ("who posted https://blog.example.com/2014/10/debugging-live-migration-failures/ ?", "examples", "en cross", [(22, "排查思路")]),
]

# Lines that are no question about the archive, as people type them: help asked in words, subscribing,
# paging, and junk. (line, archive, asker's language, the reply's kind); each must answer ok-or-helpfully
# in the asker's language, never a traceback. Checked by tests/test_questions.py.
CHAT = [
    ("how do i use this", "examples", "en", "help"),
    ("how does this bot work", "examples", "en", "help"),
    ("how to use", "fixtures", "en", "help"),
    ("what can you do", "fixtures", "en", "help"),
    ("怎么用这个机器人", "fixtures", "zh", "help"),
    ("你能干啥", "examples", "zh", "help"),
    ("帮助 订阅", "examples", "zh", "help"),
    ("how do I subscribe", "examples", "en", "help"),
    ("怎么订阅", "examples", "zh", "help"),
    ("subscribe heat", "examples", "en", "text"),
    ("订阅 neutron", "examples", "zh", "text"),
    ("订阅一下heat", "examples", "zh", "text"),
    ("subscribe heat nova", "examples", "en", "text"),
    ("我订阅了什么", "examples", "zh", "text"),
    ("unsubscribe all", "examples", "en", "text"),
    ("取消订阅 neutron", "examples", "zh", "text"),
    ("退订全部", "examples", "zh", "text"),
    ("订阅 不存在的项目", "examples", "zh", "error"),
    ("subscribe dockr", "examples", "en", "error"),
    ("subscribe to all", "examples", "en", "error"),
    ("更多", "examples", "zh", "text"),  # nothing before it: nothing more to show
    ("more", "fixtures", "en", "text"),
    ("下一页", "examples", "zh", "text"),
    ("再多一点", "examples", "zh", "text"),  # a paging word, not a search for 多一点
    ("keep going", "examples", "en", "text"),
    ("anything on docker?", "examples", "en", "items"),  # nothing: say so, and what to try
    ("有没有跟ceph有关的", "fixtures", "zh", "items"),
    ("asdfghjkl", "examples", "en", "items"),
    ("???", "examples", "en", "error"),
    ("🤔", "fixtures", "en", "error"),
    ("哈哈", "examples", "zh", "error"),
    ("第999期", "fixtures", "zh", "error"),
    ("issue 9999", "examples", "en", "error"),
    ("issue -1", "examples", "en", "error"),
    ("<script>alert(1)</script>", "fixtures", "en", "items"),
    ("heat since 2099", "examples", "en", "items"),
    ("你好", "examples", "zh", "text"),
    ("thanks", "examples", "en", "text"),
]
