"""Hostile text for cross-site scripting tests, shared by the Markdown unit test and the
browser sweep (tests/ideas/test_markdown.py, tests/browser/test_xss.py).

A payload that ran sets `window.__pwned`, sets the document title to "pwned", or opens a
dialog (alert, confirm, prompt); the browser test watches for all three, and the page's
Content Security Policy reports any inline script it had to block. Every payload is between
8 and 160 characters once its whitespace is collapsed, so each one also fits an idea title.
"""

from __future__ import annotations

PWNED = "pwned"  # the document title a payload sets when it ran
TEMPLATE = "{{7*7}}"  # must show literally, never as 49

PAYLOADS: list[str] = [
    # Plain HTML that must never become markup.
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "<svg onload=\"document.title='pwned'\">",
    "<svg><script>window.__pwned=1</script></svg>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "<style>*{background:url('javascript:alert(1)')}</style>",
    '<div style="width: expression(alert(1))">styled</div>',
    '<details open ontoggle="window.__pwned=1">toggle</details>',
    "<body onload=alert(1)> body handler",
    '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>Go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//"> base tag',
    # Links with dangerous schemes, as HTML and as Markdown.
    '<a href="jav&#x09;ascript:alert(1)">tab in the scheme</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:alert(1)">entities</a>',
    '<a href="javascript&colon;alert(1)">named colon</a>',
    "[x](javascript:alert(1))",
    "[click me](JaVaScRiPt:window.__pwned=1)",
    "[entity scheme](&#106;avascript:alert(1))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb link](vbscript:msgbox(1)) and [spaced](  javascript:alert(1)  )",
    "[zero width](java\u200bscript:alert(1))",
    "![image](javascript:alert(1)) ![svg](data:image/svg+xml,<svg onload=alert(1)>)",
    "[reference link][1]\n\n[1]: javascript:alert(1)",
    '[titled](https://example.com "t\\" onmouseover=\\"alert(1)")',
    # Markdown autolinks.
    "<javascript:alert(1)>",
    '<http://example.com/"onmouseover="alert(1)> autolink',
    "<data:text/html,<script>alert(1)</script>>",
    # Breaking out of an attribute or a tag, nested and unclosed tags.
    '"><script>window.__pwned=1</script>',
    "'><img src=x onerror=alert(1)>",
    "<scr<script>ipt>window.__pwned=1</scr</script>ipt>",
    "<img src=x onerror=alert(1)//",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<template><script>alert(1)</script></template> template",
    "`<script>alert(1)</script>` in a code span",
    # htmx attributes: markup that would make requests or run code if it survived.
    '<div hx-get="/notifications/read-all" hx-trigger="load">htmx</div>',
    '<a hx-on:click="window.__pwned=1" href="#">htmx handler</a>',
    # Template injection: Jinja, JavaScript template literals, ERB, Ruby. One `*` a payload,
    # or Markdown would (rightly) read a pair as emphasis.
    "Jinja {{7*7}} stays as typed",
    "JavaScript ${7*7} stays as typed",
    "ERB <%= 7*7 %> and Ruby #{7 * 7} stay as typed",
    "{{ config.SECRET_KEY }} {% if true %}jinja{% endif %} {{ ''.__class__ }}",
    # Unicode tricks: right-to-left override, zero-width and full-width characters.
    "Harmless \u202e)1(trela:tpircsavaj\u202c text",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e full width",
]

# Tags are cut down to letters, digits and - + # . by the service; they still get hostile input.
TAGS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{7*7}}"]

# A display name is shown beside everything its owner writes.
DISPLAY_NAME = '"><svg onload=alert(1)> {{7*7}}'
