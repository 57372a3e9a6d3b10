package extract_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/extract"
)

// datePage is a small article page: head goes into <head>, header above
// the h1 inside <article>, meta below it.
func datePage(head, header, meta string) []byte {
	return []byte(`<html lang="en"><head>` + head + `</head><body>
<div class="masthead">Today: Friday, June 14, 2024</div>
<article>` + header + `<h1>Council approves the new seafront cycle lanes</h1>` + meta + `
<p>Councillors voted eight to three to build protected cycle lanes along the whole seafront road, a scheme first proposed four years ago.</p>
<p>The lanes replace one row of parking bays. A council survey found most visitors arrive on foot or by bus, and work begins in the autumn.</p>
<p>The vote on 2 May 2024 was delayed twice.</p>
</article></body></html>`)
}

func TestPublishedAndModified(t *testing.T) {
	fetched := time.Date(2024, 6, 10, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name                string
		head, header, meta  string
		fetchedAt           time.Time
		published, modified string
	}{
		{name: "machine dates",
			head:      `<meta property="article:published_time" content="2024-06-09T07:30:00Z"><meta property="og:updated_time" content="2024-06-09T11:00:00+02:00">`,
			fetchedAt: fetched, published: "2024-06-09T07:30:00Z", modified: "2024-06-09T09:00:00Z"},
		{name: "meta name=last-modified",
			head:      `<meta name="pubdate" content="2024-06-09"><meta name="last-modified" content="2024-06-09 10:00:00">`,
			published: "2024-06-09T00:00:00Z", modified: "2024-06-09T10:00:00Z"},
		{name: "itemprop dateModified in the page",
			head:      `<meta property="article:published_time" content="2024-06-09T07:30:00Z">`,
			meta:      `<span itemprop="dateModified" content="2024-06-09T08:00:00Z">edited</span>`,
			published: "2024-06-09T07:30:00Z", modified: "2024-06-09T08:00:00Z"},
		{name: "time marked updated by class is not the publication",
			meta:      `<p>Posted <time class="updated" datetime="2024-06-09T09:00:00Z">9:00</time></p><p><time class="published" datetime="2024-06-09T07:00:00Z">7:00</time></p>`,
			published: "2024-06-09T07:00:00Z", modified: "2024-06-09T09:00:00Z"},
		{name: "time preceded by Updated",
			meta:      `<p class="byline">By Helen Price, <time datetime="2024-06-09T07:30:00Z">9 June</time>. Updated <time datetime="2024-06-09T11:00:00Z">11:00</time></p>`,
			published: "2024-06-09T07:30:00Z", modified: "2024-06-09T11:00:00Z"},
		{name: "wordpress published updated is one date",
			meta:      `<span class="posted-on"><time class="entry-date published updated" datetime="2024-06-09T07:30:00+00:00">June 9, 2024</time></span>`,
			published: "2024-06-09T07:30:00Z", modified: ""},
		{name: "date lines in words",
			meta:      `<p class="byline">By Helen Price | June 9, 2024 at 7:30 AM</p><p>Last updated: 9 June 2024 11:40</p>`,
			published: "2024-06-09T07:30:00Z", modified: "2024-06-09T11:40:00Z"},
		{name: "a line above the headline",
			header:    `<div>BRIGHTON — 9 June 2024</div>`,
			published: "2024-06-09T00:00:00Z"},
		{name: "a date in the story is not the article's",
			published: ""},
		{name: "the masthead's date of today is not the article's",
			published: ""},
		{name: "numeric dates are ambiguous",
			meta:      `<p class="date">Published 09/06/2024</p>`,
			published: ""},
		{name: "published two days after the fetch is passed over",
			head:      `<meta property="article:published_time" content="2024-06-12T09:00:00Z">`,
			meta:      `<p class="byline">By Helen Price, <time datetime="2024-06-09T07:30:00Z">9 June</time></p>`,
			fetchedAt: fetched, published: "2024-06-09T07:30:00Z"},
		{name: "less than a day ahead of the fetch is kept",
			head:      `<meta property="article:published_time" content="2024-06-11T07:00:00Z">`,
			fetchedAt: fetched, published: "2024-06-11T07:00:00Z"},
		{name: "without a fetch time nothing is ahead",
			head:      `<meta property="article:published_time" content="2030-01-01T00:00:00Z">`,
			published: "2030-01-01T00:00:00Z"},
		{name: "modified ahead of the fetch or before published is passed over",
			head: `<meta property="article:published_time" content="2024-06-09T07:30:00Z">` +
				`<meta property="article:modified_time" content="2024-06-13T00:00:00Z">` +
				`<meta property="og:updated_time" content="2024-06-01T00:00:00Z">`,
			meta:      `<p class="updated">Updated June 9, 2024 at 11:40</p>`,
			fetchedAt: fetched, published: "2024-06-09T07:30:00Z", modified: "2024-06-09T11:40:00Z"},
		{name: "modified and nothing else",
			head:      `<meta property="article:modified_time" content="2024-06-09T11:00:00Z">`,
			published: "", modified: "2024-06-09T11:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := extract.Input{URL: "https://n.example/news/1", Body: datePage(tt.head, tt.header, tt.meta), FetchedAt: tt.fetchedAt}
			a, steps, err := extract.Explain(in, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.PublishedAt != tt.published || a.ModifiedAt != tt.modified {
				t.Errorf("published_at, modified_at = %q, %q; want %q, %q\n%v", a.PublishedAt, a.ModifiedAt, tt.published, tt.modified, steps)
			}
		})
	}
}

func TestArabicDateLines(t *testing.T) {
	page := func(meta string) []byte {
		return []byte(`<html lang="ar" dir="rtl"><body><div class="news">
<h1 class="title">افتتاح المرحلة الأولى من محطة تحلية المياه الجديدة</h1>` + meta + `
<div class="body"><p>افتتحت هيئة الكهرباء والمياه اليوم المرحلة الأولى من محطة التحلية الجديدة بطاقة إنتاجية تبلغ مئة وأربعين مليون جالون يوميًا، وبتكلفة تجاوزت تسعة مليارات درهم.</p>
<p>وقال الرئيس التنفيذي للهيئة إن المحطة تمثل نقلة نوعية في قدرة الإمارة على تلبية الطلب المتزايد على المياه خصوصًا في أشهر الصيف.</p></div></div></body></html>`)
	}
	tests := []struct{ meta, published, modified string }{
		{`<span class="date">الثلاثاء، ١٢ مارس ٢٠٢٤ - ٠٣:٤٥ م</span>`, "2024-03-12T15:45:00Z", ""},
		{`<span>نشر في: 12 آذار 2024</span><span>آخر تحديث: 14 آذار 2024 - 09:00 ص</span>`, "2024-03-12T00:00:00Z", "2024-03-14T09:00:00Z"},
		{`<div class="meta">تاريخ النشر: ١ كانون الثاني ٢٠٢٤ | تاريخ التحديث: ٢ كانون الثاني ٢٠٢٤</div>`, "2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"},
		{`<div>محدث ٣ تشرين الثاني ٢٠٢٣</div>`, "", "2023-11-03T00:00:00Z"},
		{`<div class="date">الخميس ١٤ نوفمبر ٢٠٢٤ ٠٩:٠٥ مساءً</div><div class="date">آخر تحديث ١٣ نوفمبر ٢٠٢٤</div>`, "2024-11-14T21:05:00Z", ""},
	}
	for _, tt := range tests {
		a, steps, err := extract.Explain(extract.Input{URL: "https://n.example/news/2", Body: page(tt.meta)}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.PublishedAt != tt.published || a.ModifiedAt != tt.modified {
			t.Errorf("%s: published_at, modified_at = %q, %q; want %q, %q\n%v", tt.meta, a.PublishedAt, a.ModifiedAt, tt.published, tt.modified, steps)
		}
	}
}

func TestSiteModifiedSelector(t *testing.T) {
	body := []byte(`<html lang="en"><head>
<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","datePublished":"2024-06-09T07:00:00Z","dateModified":"2024-06-09T12:00:00Z"}</script>
</head><body><h1 class="t">H</h1>
<span class="pub">June 9, 2024</span>
<span class="mod" data-ts="2024-06-09T10:00:00Z">Edited June 9, 2024 10:00</span>
<span class="mod2">Updated: June 20, 2024</span>
<div class="story"><p>Some text of the story that is long enough to be a paragraph.</p></div>
</body></html>`)
	fetched := time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name                string
		sel                 extract.Selectors
		fetchedAt           time.Time
		published, modified string
	}{
		{"published and modified selectors", extract.Selectors{Published: ".pub", Modified: ".mod", Body: ".story"}, fetched, "2024-06-09T00:00:00Z", "2024-06-09T10:00:00Z"},
		{"modified @attr", extract.Selectors{Published: ".pub", Modified: ".mod@data-ts", Body: ".story"}, fetched, "2024-06-09T00:00:00Z", "2024-06-09T10:00:00Z"},
		{"modified ahead of the fetch: next match", extract.Selectors{Modified: ".mod2, .mod", Body: ".story"}, fetched, "2024-06-09T07:00:00Z", "2024-06-09T10:00:00Z"},
		{"published set, modified not: generic rule", extract.Selectors{Published: ".pub", Body: ".story"}, fetched, "2024-06-09T00:00:00Z", "2024-06-09T12:00:00Z"},
		{"modified before published", extract.Selectors{Published: ".mod2", Modified: ".pub", Body: ".story"}, time.Time{}, "2024-06-20T00:00:00Z", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := extract.Compile("s", "", tt.sel, nil)
			if err != nil {
				t.Fatal(err)
			}
			a, steps, err := extract.Explain(extract.Input{URL: "https://n.example/a", Body: body, FetchedAt: tt.fetchedAt}, r)
			if err != nil {
				t.Fatal(err)
			}
			if a.PublishedAt != tt.published || a.ModifiedAt != tt.modified {
				t.Errorf("published_at, modified_at = %q, %q; want %q, %q\n%v", a.PublishedAt, a.ModifiedAt, tt.published, tt.modified, steps)
			}
			if tt.sel.Modified != "" && !slices.Contains(r.Fields(), "modified") {
				t.Errorf("Fields() = %v, want modified", r.Fields())
			}
		})
	}
}

func TestLanguageDetected(t *testing.T) {
	en := `<p>The harbour ferry operator will run three extra crossings after eleven at night on weeknights starting next month, after thousands of commuters signed a petition.</p>`
	ar := `<p>أعلنت هيئة النقل النهري استئناف رحلات العبارات النيلية بين مدينتي أسوان وكوم أمبو اعتبارًا من صباح اليوم بعد توقف دام ثلاثة أسابيع.</p>`
	tests := []struct {
		name, html, lang, dir, rule string
	}{
		{"english text", `<html><body><h1>Ferry adds late crossings</h1>` + en + `</body></html>`, "en", "ltr", "detected (whatlanggo, confidence"},
		{"arabic text", `<html><body><h1>استئناف رحلات العبارات</h1>` + ar + `</body></html>`, "ar", "rtl", "detected (whatlanggo, confidence"},
		{"markup wins", `<html lang="fr"><body><h1>Ferry adds late crossings</h1>` + en + `</body></html>`, "fr", "ltr", "html lang"},
		{"og:locale", `<html><head><meta property="og:locale" content="ar_EG"></head><body><h1>x</h1>` + en + `</body></html>`, "ar-EG", "rtl", "og:locale"},
		{"too short", `<html><body><h1>A headline</h1><p>Short.</p></body></html>`, "", "ltr", "not stated; too little text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, steps, err := extract.Explain(extract.Input{URL: "https://n.example/a", Body: []byte(tt.html)}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if a.Language != tt.lang || a.Direction != tt.dir {
				t.Errorf("language, direction = %q, %q; want %q, %q", a.Language, a.Direction, tt.lang, tt.dir)
			}
			var rule string
			for _, s := range steps {
				if s.Field == "language" {
					rule = s.Rule
				}
			}
			if !strings.HasPrefix(rule, tt.rule) {
				t.Errorf("language rule = %q, want %q...", rule, tt.rule)
			}
		})
	}
}
