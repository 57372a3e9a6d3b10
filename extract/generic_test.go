package extract_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/extract"
)

func TestGenericFields(t *testing.T) {
	const para = `<p>فقرة أولى طويلة بما يكفي ليختارها المستخرج العام، وفيها فواصل، كثيرة، كما ينبغي أن تكون.</p>`
	tests := []struct {
		name                               string
		html                               string
		label, headline, source, published string
	}{
		{
			name: "h1 matching a truncated JSON-LD headline wins",
			html: `<script type="application/ld+json">{"@type":"NewsArticle","headline":"A very long headline about the central bank and its decision on…"}</script>
<h1>A very long headline about the central bank and its decision on interest rates today</h1>` + para,
			headline: "A very long headline about the central bank and its decision on interest rates today",
		},
		{
			name: "og:title cleaned of the site name when no h1 matches",
			html: `<meta property="og:title" content="Storm hits the coast | The Daily Ledger"><meta property="og:site_name" content="The Daily Ledger">
<h1 class="logo"><a href="/">The Daily Ledger</a></h1>` + para,
			headline: "Storm hits the coast",
		},
		{
			name:     "site name first in the title",
			html:     `<title>الخليج اليوم - دبي تطلق مشروعاً جديداً</title><meta name="application-name" content="الخليج اليوم">` + para,
			headline: "دبي تطلق مشروعاً جديداً",
		},
		{
			name: "no metadata: the h1 inside article, not the logo",
			html: `<title>Riverside Gazette</title><header><h1><a href="/">Riverside Gazette</a></h1></header>
<article><h1>Council approves new budget</h1>` + para + `</article>`,
			headline: "Council approves new budget",
		},
		{
			name:     "kicker inside the h1 is the label, not part of the headline",
			html:     `<h1><span class="urgent">عاجل:</span> زلزال يضرب جزيرة كريت</h1>` + para,
			label:    "عاجل",
			headline: "زلزال يضرب جزيرة كريت",
		},
		{
			name:     "kicker by its text, without a class",
			html:     `<div class="head"><span>Breaking</span><h1>Quake strikes Crete</h1></div>` + para,
			label:    "Breaking",
			headline: "Quake strikes Crete",
		},
		{
			name:     "kicker just before an h1 that stands straight in <body>",
			html:     `<nav><a href="/">الرئيسية</a></nav><span class="breaking">عاجل</span><h1>عنوان الخبر</h1>` + para,
			label:    "عاجل",
			headline: "عنوان الخبر",
		},
		{
			name: "the ticker's breaking label is not the article's",
			html: `<div class="news-ticker"><span class="breaking">عاجل</span><a href="/1">خبر آخر تماما</a></div>
<main><h1>عنوان الخبر</h1>` + para + `</main>`,
			headline: "عنوان الخبر",
		},
		{
			name: "JSON-LD in @graph: authors and date",
			html: `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage","name":"x"},
{"@type":["ReportageNewsArticle"],"headline":"Floods cut rail links &amp; roads","datePublished":"2024-11-20T09:30:00+01:00",
"author":[{"@type":"Person","name":"Ana Ruiz"},{"@type":"Person","name":"Luca Bianchi"}],}]}</script>` + para,
			headline: "Floods cut rail links & roads", source: "Ana Ruiz, Luca Bianchi", published: "2024-11-20T08:30:00Z",
		},
		{
			name:     "JSON-LD publisher when there is no author",
			html:     `<script type="application/ld+json">[{"@type":"Article","headline":"H","publisher":{"@type":"Organization","name":"وكالة الأنباء"}}]</script>` + para,
			headline: "H", source: "وكالة الأنباء",
		},
		{
			name:     "byline on the page wins over JSON-LD",
			html:     `<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","author":"Someone Else"}</script><article><h1>H</h1><p class="byline">By Jane Doe</p>` + para + `</article>`,
			headline: "H", source: "By Jane Doe",
		},
		{
			name:     "comment authors are not bylines",
			html:     `<article><h1>H</h1>` + para + `<div id="comments"><span class="comment-author">troll</span><p>first!</p></div></article>`,
			headline: "H",
		},
		{
			name:      "time near the headline when there is no metadata",
			html:      `<aside class="related"><time datetime="2020-01-01">old</time></aside><article><h1>H</h1><time datetime="2024-03-14T10:22:00+04:00">14 مارس</time>` + para + `</article>`,
			headline:  "H",
			published: "2024-03-14T06:22:00Z",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: []byte("<html><head></head><body>" + tt.html + "</body></html>")}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got := [4]string{a.Label, a.Headline, a.Source, a.PublishedAt}
			want := [4]string{tt.label, tt.headline, tt.source, tt.published}
			if got != want {
				t.Errorf("label, headline, source, published_at:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestGenericBody(t *testing.T) {
	tests := []struct {
		name   string
		html   string
		want   []extract.Section
		images []extract.Image
	}{
		{
			name: "JSON-LD articleBody stands in for an empty app shell",
			html: `<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","articleBody":"First paragraph.\nSecond paragraph."}</script><div id="root"></div>`,
			want: []extract.Section{{Heading: "", Paragraphs: []string{"First paragraph.", "Second paragraph."}}},
		},
		{
			name: "body split by an ad and a sub-heading wrapper",
			html: `<h1>H</h1><div class="wrap">
<div class="part"><p>One, two, three, four, five, six, seven words here.</p><p>Another sentence, with commas, that counts as text.</p></div>
<div class="ad-slot">Advertisement</div>
<div class="sub"><h2>Later</h2></div>
<div class="part"><p>More words, more commas, and more text to score here.</p><p>Last paragraph of the story, closing it properly.</p></div>
</div><div class="related"><ul><li><a href="/x">Related story one</a></li></ul></div>`,
			want: []extract.Section{
				{Heading: "", Paragraphs: []string{"One, two, three, four, five, six, seven words here.", "Another sentence, with commas, that counts as text."}},
				{Heading: "Later", Paragraphs: []string{"More words, more commas, and more text to score here.", "Last paragraph of the story, closing it properly."}},
			},
		},
		{
			name: "div soup with br, inline ad and a read-more link",
			html: `<span class="title">H</span><div id="details">أول سطر في الخبر، وهو طويل بما يكفي ليحسب، ويحتوي فواصل.<br><br>
<div class="adv"><img src="/banner.gif" width="300" height="250"></div>ثاني سطر في الخبر، وهو أيضا طويل بما يكفي، بفواصل.<br>
<a href="/other">اقرأ أيضا: خبر آخر</a><br>ثالث سطر، قصير.</div>`,
			want: []extract.Section{{Heading: "", Paragraphs: []string{"أول سطر في الخبر، وهو طويل بما يكفي ليحسب، ويحتوي فواصل.", "ثاني سطر في الخبر، وهو أيضا طويل بما يكفي، بفواصل.", "ثالث سطر، قصير."}}},
		},
		{
			name: "captions in any form stay out of the text",
			html: `<article><h1>H</h1>
<figure><img src="/a.jpg" alt="alt a"><figcaption>Caption A</figcaption></figure>
<div class="wp-caption"><img src="/b.jpg"><p class="wp-caption-text">Caption B</p></div>
<picture><img data-src="/c.jpg" src="data:image/gif;base64,R0lGOD"></picture><p class="photo-caption">Caption C</p>
<p>Body text, long enough, with commas, to be the article's body here.</p><p>Caption A</p>
<img src="/logo.png" class="site-logo"><img src="/pixel.gif" width="1" height="1"></article>`,
			want: []extract.Section{{Heading: "", Paragraphs: []string{"Body text, long enough, with commas, to be the article's body here."}}},
			images: []extract.Image{
				{Src: "https://n.example/a.jpg", Caption: "Caption A"},
				{Src: "https://n.example/b.jpg", Caption: "Caption B"},
				{Src: "https://n.example/c.jpg", Caption: "Caption C"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := extract.Extract(extract.Input{URL: "https://n.example/a", Body: []byte("<html><body>" + tt.html + "</body></html>")}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, a.Sections); diff != "" {
				t.Errorf("sections (-want +got):\n%s", diff)
			}
			if tt.images == nil {
				tt.images = []extract.Image{}
			}
			if diff := cmp.Diff(tt.images, a.Images); diff != "" {
				t.Errorf("images (-want +got):\n%s", diff)
			}
		})
	}
}
