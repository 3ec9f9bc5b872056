"""The words of a link: what an item's links put in the search index (`links` column), and the
links a question pastes (a host or a URL), read the same way so that they find those items.

A link's URL names what it is (a review, a blueprint, a mailing-list thread) and often its topic
(`+spec/declarative-filters`), in words its item's text may not hold. Its host and path words are
indexed in a column of their own that weighs little (archive.search_index.LINK_WEIGHT): a question
whose words are only in a URL finds its item, and the text's matches still rank first. Every word
of the URL, in order (a host or a whole URL pasted is a phrase of it), percent-escapes decoded,
camelCase split (`ReleaseNotes`: release notes), but for the words nearly every link has, which
would make `https`, `com` or `io` match almost every item: the scheme, a leading `www` and the
top-level domain (with its registry's second level: `.com.cn`, `.co.uk`).
A link of a known kind also gets that kind's words (LINK_KINDS), the words people ask for it by
("the gerrit review", "the ML thread", "the bp"): the glossary turns 补丁, 邮件列表, 蓝图 and 规范
into them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

LINK_KINDS: tuple[tuple[str, str], ...] = (  # (a regex over the casefolded URL, the kind's words)
    (r"//review\.|/gerrit/|//gerrit\.|//codereview\.", "review gerrit patch change"),
    (r"//lists\.|/pipermail/|mail-archive\.com|markmail\.org|//groups\.google\.|//mail\.openstack\.|/mailman/",
     "mailing list ml thread"),
    (r"//blueprints\.launchpad\.|/\+spec/", "blueprint bp"),
    (r"//specs\.openstack\.|-specs\b|/specs/", "spec specification"),
    (r"//bugs\.launchpad\.|/\+bug/|bugzilla|//storyboard\.", "bug"),
    (r"//wiki\.|/wiki/", "wiki"),
    (r"etherpad", "etherpad"),
    (r"//github\.com/[^/]+/[^/]+/pull/|/merge_requests/", "pull request pr patch"),
    (r"//github\.com/[^/]+/[^/]+/issues/", "bug"),
    (r"//git\.openstack\.|//opendev\.org/|//github\.com/|//gitlab\.|/cgit/", "git repo code"),
    (r"//docs\.|readthedocs|/docs?/", "docs documentation"),
    (r"youtube\.com|youtu\.be|vimeo\.com|/videos?/|session-videos", "video"),
    (r"slideshare|speakerdeck|/slides?/", "slides"),
    (r"\.pdf\b", "pdf"),
    (r"wordpress\.com|blogspot\.|tumblr\.com|medium\.com|/blogs?/|//blogs?[.-]", "blog"),
)
_LINK_KIND = [(re.compile(rx), words) for rx, words in LINK_KINDS]
_LINK_KIND_ANY = re.compile("|".join(f"(?:{rx})" for rx, _ in LINK_KINDS))

# The top-level domains: the generic ones (the original seven, the sponsored ones and the newer
# ones links commonly end in) and every country's (ISO 3166-1 alpha-2, with uk, eu and ac).
GENERIC_TLDS = frozenset("""
    com org net edu gov mil int arpa info biz name pro mobi aero asia cat coop jobs museum post tel travel xxx
    app dev page blog cloud tech online site website space store shop xyz top club live news wiki
    io ai me tv
""".split())
COUNTRY_TLDS = frozenset("""
    ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo bq br bs bt
    bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg eh er
    es et eu fi fj fk fm fo fr ga gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu
    id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt
    lu lv ly ma mc md me mf mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl
    no np nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh
    si sj sk sl sm sn so sr ss st sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk
    um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw
""".split())
TLDS = GENERIC_TLDS | COUNTRY_TLDS
# the second level a country's registry sells under its code: .com.cn, .co.uk, .ac.jp, .or.kr, .gob.mx
SECOND_LEVEL = frozenset("com co org net edu gov ac or ne go gob mil nom ltd plc gen".split())

_URL_WORD = re.compile(r"[A-Za-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])")
# a scheme: `https://`, `git+ssh://`; and those written without slashes (`mailto:`)
_SCHEME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.\-]*://|(?:mailto|news|xmpp|tel|irc):)")
_LABELS = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)+$")
_SLASHES = re.compile(r"^//")  # a scheme-relative link (`//cdn.example.org/x`)
_WWW = re.compile(r"^www\d*$", re.IGNORECASE)


def _words(text: str) -> list[str]:
    return _URL_WORD.findall(_CAMEL.sub(" ", unquote(text)).lower())


def host_words(host: str) -> list[str]:
    """A host's words without a leading `www` and its top-level domain (and the second level of a
    country's registry: bbc.co.uk is `bbc`)."""
    labels = host.lower().rstrip(".").split(".")
    if len(labels) > 2 and _WWW.match(labels[0]):
        labels = labels[1:]
    if len(labels) > 1 and labels[-1] in TLDS:
        cc = labels.pop() in COUNTRY_TLDS
        if cc and len(labels) > 1 and labels[-1] in SECOND_LEVEL:
            labels.pop()
    return [w for label in labels for w in _words(label)]


def _split(url: str, bare: bool = False) -> tuple[str, str]:
    """(the URL's host, or "" when it has none, the rest after it). A link of a post without a
    scheme (`/2015/03/x.html`, `notes.md`) is relative: no host; `bare`: a host as typed in a
    question (`docs.openstack.org/install`) is one when its last label is a top-level domain."""
    scheme = _SCHEME.match(url) or _SLASHES.match(url)
    if not (scheme or bare):
        return "", url
    rest = url[scheme.end():] if scheme else url
    end = next((i for i, c in enumerate(rest) if c in "/?#"), len(rest))
    authority, path = rest[:end], rest[end:]
    user, at, host = authority.rpartition("@")
    host, colon, port = host.partition(":")
    if not scheme and not (_LABELS.match(host) and host.rsplit(".", 1)[-1].lower() in TLDS):
        return "", url
    return host, f"{user}{at} {port} {path}" if at or colon else path


@lru_cache(maxsize=8192)
def url_words(url: str) -> tuple[str, ...]:
    """The words of a URL as the index holds them, without its kind's: the host's (host_words),
    then those of the user, port, path, query and fragment."""
    return _split_words(*_split(url))


def _split_words(host: str, rest: str) -> tuple[str, ...]:
    return (*host_words(host), *_words(rest)) if host else tuple(_words(rest))


@lru_cache(maxsize=8192)
def _link_words_of(url: str) -> str:
    words = list(url_words(url))
    low = url.casefold()
    if _LINK_KIND_ANY.search(low):  # (one search for most links: few are of a kind)
        for rx, kind in _LINK_KIND:
            if rx.search(low):
                words.extend(k for k in kind.split() if k not in words)
    return " ".join(words)


def link_words(links) -> str:
    """The tokens `items_grams.links` holds for one item: each link's URL words and kind words
    (see LINK_KINDS), link after link."""
    return " ".join(filter(None, (_link_words_of(url) for url, _ in links)))


# a link pasted into a question: a URL with its scheme, or a host (`docs.openstack.org`, with or
# without a path) whose last label is a top-level domain
_PASTED = re.compile(r"(?<![\w@.\-])(?:[A-Za-z][A-Za-z0-9+.\-]*://\S+"
                     r"|(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}(?:[/?#]\S*)?)")
_TRAILING = ".,;:!?)]}>'\"，。；：！？）》」"


def pasted_links(line: str) -> list[tuple[str, str]]:
    """The links a line pastes, each as (the link as typed, its words as the index holds them:
    the phrase its items' links hold); only hosts ending in a top-level domain, not `2014.1.1` or
    `e.g`."""
    out = []
    for m in _PASTED.finditer(line):
        link = m.group().rstrip(_TRAILING)
        host, rest = _split(link, bare=True)
        words = _split_words(host, rest) if host else ()
        if words:
            out.append((link, " ".join(words)))
    return out
