package main

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// newsSite is a generated Arabic news site: section listings with
// pagination, and article pages with the markup of a real news site (nav,
// ticker, figures, share widget, related links, footer, JSON-LD).
type newsSite struct {
	articles int
	perPage  int
	pages    map[string][]byte // path → page, made once so serving costs little
	etags    map[string]string // path → ETag of the page
}

func newNewsSite(articles int) *newsSite {
	s := &newsSite{articles: articles, perPage: 20, pages: map[string][]byte{}, etags: map[string]string{}}
	s.pages["/"] = []byte(s.index())
	for p := 1; p <= s.sectionPages(); p++ {
		s.pages["/section/all?page="+strconv.Itoa(p)] = []byte(s.section(p))
	}
	for i := 1; i <= articles; i++ {
		s.pages["/news/"+strconv.Itoa(i)] = []byte(s.article(i))
	}
	for k, page := range s.pages {
		sum := sha1.Sum(page)
		s.etags[k] = `"` + hex.EncodeToString(sum[:8]) + `"`
	}
	return s
}

func (s *newsSite) sectionPages() int { return (s.articles + s.perPage - 1) / s.perPage }

func (s *newsSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		return
	}
	key := r.URL.Path
	if r.URL.RawQuery != "" {
		key += "?" + r.URL.RawQuery
	}
	page, ok := s.pages[key]
	if !ok {
		key = r.URL.Path // tracking queries on article links
		page, ok = s.pages[key]
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	// Validators, as a news site behind a CDN sends them.
	w.Header().Set("ETag", s.etags[key])
	if r.Header.Get("If-None-Match") == s.etags[key] {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(page)
}

const chrome = `<header><a class="logo" href="/">أخبار القاهرة</a>
<nav><ul><li><a href="/">الرئيسية</a></li><li><a href="/section/all?page=1">أخبار</a></li>
<li><a href="/private/login">دخول</a></li></ul></nav>
<div class="ticker"><span>عاجل</span> الرئيس يستقبل وفدا رفيع المستوى - ارتفاع أسعار الذهب في السوق المحلية</div></header>`

func (s *newsSite) index() string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>أخبار القاهرة</title></head><body>`)
	b.WriteString(chrome)
	b.WriteString(`<main><a href="/section/all?page=1">كل الأخبار</a></main></body></html>`)
	return b.String()
}

func (s *newsSite) section(p int) string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>أخبار</title></head><body>`)
	b.WriteString(chrome)
	b.WriteString(`<main><ul class="list">`)
	for i := (p-1)*s.perPage + 1; i <= p*s.perPage && i <= s.articles; i++ {
		fmt.Fprintf(&b, `<li><a href="/news/%d?utm_source=list">%s</a></li>`, i, headline(i))
	}
	b.WriteString(`</ul><div class="pagination">`)
	if p < s.sectionPages() {
		fmt.Fprintf(&b, `<a rel="next" href="/section/all?page=%d">التالي</a>`, p+1)
	}
	b.WriteString(`</div></main></body></html>`)
	return b.String()
}

var paragraphs = []string{
	"في إطار الجهود المصرية المتواصلة لوقف نزيف الدم في قطاع غزة، التقى وفد من حركة حماس، اليوم، برئيس المخابرات العامة المصرية لبحث سبل دفع مفاوضات التهدئة، في خطوة جديدة تعكس استمرار القاهرة في أداء دورها المحوري على الساحة الفلسطينية.",
	"وأكد مصدر مصري مطلع لقناة \"القاهرة الإخبارية\"، أن اللقاء تناول تطورات المشهد الميداني والسياسي في القطاع، إلى جانب مناقشة المبادرات المطروحة لوقف إطلاق النار واستعادة الاستقرار.",
	"وخلال الاجتماع، عبّرت حركة حماس عن حرصها على استئناف مفاوضات وقف إطلاق النار في أقرب وقت ممكن، معتبرة أن التوصل إلى تهدئة شاملة هو أولوية قصوى لوقف معاناة الشعب الفلسطيني.",
	"كما شددت حماس على تقديرها الكبير للجهود المصرية في تقديم المساعدات الإنسانية والإغاثية لسكان قطاع غزة، مشيرة إلى أن القاهرة كانت ولا تزال المعبر الرئيسي لدخول الإمدادات الحيوية.",
	"ويرى مراقبون أن هذا اللقاء يعكس مدى ثقة الأطراف الفلسطينية بدور القاهرة كوسيط نزيه وفاعل، خاصة أن مصر تمتلك قنوات اتصال مفتوحة مع مختلف الفصائل الفلسطينية.",
	"رغم هذه الجهود، لا تزال هناك تحديات معقدة أمام التوصل لاتفاق تهدئة دائم، أبرزها الخلافات حول ضمانات التنفيذ، وإعادة الإعمار، وترتيبات المعابر.",
}

var headings = []string{"حماس تؤكد رغبتها في العودة للمفاوضات", "تقدير حماس للجهود المصرية الإنسانية", "القاهرة تكثف اتصالاتها الدولية والإقليمية", "التحديات أمام التوصل لاتفاق"}

func headline(i int) string {
	return fmt.Sprintf("وفد حماس يبحث مع المخابرات المصرية آفاق التهدئة بغزة - تقرير رقم %d", i)
}

func (s *newsSite) article(i int) string {
	var b strings.Builder
	b.Grow(32 << 10)
	fmt.Fprintf(&b, `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>%[1]s | أخبار القاهرة</title><link rel="canonical" href="/news/%[2]d">
<meta property="og:title" content="%[1]s"><style>.share{display:flex}.ad{height:250px}</style>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"%[1]s","datePublished":"2026-11-28T09:30:00+02:00"}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}</script></head><body>`, headline(i), i)
	b.WriteString(chrome)
	fmt.Fprintf(&b, `<main><article><span class="breaking">عاجل</span><h1 class="article-title">%s</h1>
<div class="article-source">القاهرة الإخبارية</div><time datetime="2026-11-28T09:30:00+02:00">28 نوفمبر 2026</time>
<figure><img src="/img/%d.jpg" alt="مصدر مصري مطلع"><figcaption>مصدر مصري مطلع</figcaption></figure>
<div class="article-body">`, headline(i), i)
	for sec := 0; sec < 4; sec++ {
		if sec > 0 {
			fmt.Fprintf(&b, "<h2>%s</h2>\n", headings[(i+sec)%len(headings)])
		}
		for p := 0; p < 3; p++ {
			fmt.Fprintf(&b, "<p>%s (%d-%d)</p>\n", paragraphs[(i+sec*3+p)%len(paragraphs)], i, sec*3+p)
		}
		if sec == 2 {
			b.WriteString(`<div class="ad">إعلان</div>`)
		}
	}
	b.WriteString(`<div class="share"><a href="#">فيسبوك</a><a href="#">تويتر</a><span class="toast">تم نسخ الرابط</span></div></div>`)
	b.WriteString(`<div class="related"><h3>اقرأ أيضا</h3><ul>`)
	for k := 1; k <= 5; k++ {
		j := (i+k*7)%s.articles + 1
		fmt.Fprintf(&b, `<li><a href="/news/%d">%s</a></li>`, j, headline(j))
	}
	b.WriteString(`</ul></div></article></main><footer><p>جميع الحقوق محفوظة © 2026</p><a href="/about">من نحن</a></footer>
<div class="cookie-banner">نستخدم ملفات تعريف الارتباط <button>موافق</button></div></body></html>`)
	return b.String()
}

// siteFile is the site file the newsarc side of the benchmark uses.
const siteFile = `name: bench
domains: [127.0.0.1]
start_urls: ["%s/"]
article_urls: ['^/news/\d+']
follow_urls: ['^/section/']
ignore_urls: ['^/private/']
max_depth: 1000
rate: 0
selectors:
  label: ".breaking"
  headline: "h1.article-title"
  source: ".article-source"
  published: "time[datetime]@datetime"
  body: ".article-body"
  section_heading: "h2, h3"
  paragraph: "p"
  image: "figure img@src"
  caption: "figcaption"
  remove: [".share", ".related", ".ad", "script", "style"]
drop_lines: ["تم نسخ الرابط"]
`
