package extract

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The end of an article body often runs on into blocks that belong to the
// site, not the story: "Read also" and "More on this" lists, "About the
// author", newsletter appeals, copyright lines. Class hints catch most of
// them; these rules catch them by what they say.

// tailTitles are the titles of those blocks, lower case, as whole lines
// (a trailing colon or ellipsis aside). A heading or short line saying one
// of them ends the article within its container.
var tailTitles = map[string]bool{
	// English
	"related": true, "related articles": true, "related posts": true, "related stories": true,
	"related news": true, "related content": true, "read more": true, "read also": true,
	"also read": true, "see also": true, "more from": true, "more on this": true,
	"more on this topic": true, "more stories": true, "more news": true, "you may also like": true,
	"you might also like": true, "recommended": true, "recommended for you": true,
	"most read": true, "most popular": true, "trending": true, "latest news": true,
	"further reading": true, "about the author": true, "share this": true, "share this article": true,
	"leave a reply": true, "leave a comment": true, "comments": true, "tags": true, "topics": true,
	"filed under": true, "don't miss": true, "popular posts": true, "recent posts": true,
	// German
	"mehr zum thema": true, "mehr zu diesem thema": true, "mehr themen": true, "auch interessant": true,
	"das könnte sie auch interessieren": true, "das könnte dich auch interessieren": true,
	"das thema könnte dich auch interessieren": true, "ähnliche nachrichten": true,
	"ähnliche artikel": true, "ähnliche beiträge": true, "zum weiterlesen": true, "lesen sie auch": true,
	"lesen sie mehr": true, "neueste artikel": true, "schon gelesen?": true, "schon gelesen": true,
	"weitere artikel": true, "weitere beiträge": true, "weitere meldungen": true, "verwandte artikel": true,
	"über den autor": true, "über die autorin": true, "kommentare": true, "schlagworte": true,
	"themen": true, "aktuelle news": true, "weitere aktuelle themen": true, "kontakt": true,
	"pressekontakt": true, "ansprechpartner": true, "ansprechpartnerin": true, "quellen": true,
	"quellenangaben": true, "originalpublikation": true, "keine kommentare": true, "lust auf mehr?": true,
	"top themen der redaktion": true, "weitere tourentipps": true, "zum thema": true, "mehr dazu": true,
	"contact": true, "press contact": true, "media contact": true, "sources": true, "more like this": true,
	// French, Spanish, Portuguese, Italian, Polish
	"à lire aussi": true, "lire aussi": true, "sur le même sujet": true, "articles similaires": true,
	"voir aussi": true, "vous aimerez aussi": true, "à voir aussi": true, "dans la même rubrique": true,
	"te puede interesar": true, "te recomendamos": true, "otras noticias": true, "lee también": true, "noticias relacionadas": true,
	"más noticias": true, "también te puede interesar": true, "leia também": true, "veja também": true,
	"notícias relacionadas": true, "leggi anche": true, "articoli correlati": true,
	"czytaj także": true, "czytaj też": true, "zobacz także": true, "zobacz też": true, "polecamy": true,
	// Arabic
	"اقرأ أيضا": true, "اقرأ أيضاً": true, "إقرأ أيضا": true, "إقرأ أيضاً": true, "اقرأ ايضا": true,
	"أخبار متعلقة": true, "أخبار ذات صلة": true, "مواضيع ذات صلة": true, "مقالات ذات صلة": true,
	"الأكثر قراءة": true, "اقرأ المزيد": true, "شاهد أيضا": true, "شاهد أيضاً": true, "المزيد": true,
}

// tailTitle reports a heading or short block whose whole text names a
// block of related links, comments or the like. size is n's text length
// in non-space characters.
func tailTitle(n *html.Node, size int, text func(*html.Node) string) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if headingLevel(n) == 0 && n.DataAtom != atom.P && n.DataAtom != atom.Div &&
		n.DataAtom != atom.Strong && n.DataAtom != atom.B && n.DataAtom != atom.Span {
		return false
	}
	if size > 60 {
		return false // checked first: most blocks are longer than a title
	}
	t := normText(text(n))
	if t == "" || utf8.RuneCountInString(t) > 60 {
		return false
	}
	k := strings.ToLower(strings.TrimRight(t, " :：.…»›>|-–—"))
	return tailTitles[k]
}

// creditLine reports a short line that credits a picture: "Foto: dpa",
// "(Photo: Getty Images)", "AFP / MARCO BERTORELLO".
func creditLine(t string) bool {
	if utf8.RuneCountInString(t) > 80 {
		return false
	}
	l := strings.ToLower(strings.TrimLeft(t, "( "))
	for _, p := range []string{"foto:", "fotos:", "photo:", "photos:", "bild:", "image:", "credit:", "credits:",
		"crédits photos", "crédit photo", "bildquelle", "titelbild:", "beitragsbild", "صورة:", "تصوير:"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	l = strings.TrimRight(l, " .)")
	return containsAny(l, "(foto:", "(photo:", "(bild:") || strings.HasSuffix(l, "getty images") ||
		strings.HasPrefix(l, "afp /") || strings.HasPrefix(l, "dpa /")
}

// rightsLine reports a copyright or rights line: "© 2024 Site", "(c) 2024
// Site", "Copyright 2024 …", "All rights reserved"; not a sentence that
// opens with "Copyright lawyers say".
func rightsLine(t string) bool {
	if utf8.RuneCountInString(t) > 200 {
		return false
	}
	l := strings.ToLower(t)
	if strings.HasPrefix(l, "©") {
		return true
	}
	if containsAny(l, "all rights reserved", "alle rechte vorbehalten", "tous droits réservés",
		"todos los derechos reservados", "todos os direitos reservados", "جميع الحقوق محفوظة") {
		return true
	}
	if !strings.HasPrefix(l, "(c) ") && !strings.HasPrefix(l, "copyright ") {
		return false
	}
	// "(c) 2024 Site", "(c) Jane Doe"; not "(c) the operator shall …".
	return hasYear(l) || containsAny(l, "©", "rights", "rechte", "droits", "derechos") ||
		(len(strings.Fields(l)) <= 4 && !strings.ContainsAny(l, ".,;"))
}
