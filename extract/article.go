package extract

// Article is the record of one article, with the fields and JSON names of
// the interface document. Extract fills the content fields (url, site,
// extractor, language, direction, label, headline, source, authors,
// published_at, modified_at, sections, images, text, content_hash); the caller that fetched and stored
// the page fills fetched_at, first_seen, last_seen, version, status and
// payload_digest.
type Article struct {
	URL           string    `json:"url"`
	Site          string    `json:"site"`
	FetchedAt     string    `json:"fetched_at"`
	FirstSeen     string    `json:"first_seen"`
	LastSeen      string    `json:"last_seen"`
	Version       int       `json:"version"`
	ContentHash   string    `json:"content_hash"`
	Status        int       `json:"status"`
	PayloadDigest string    `json:"payload_digest"`
	Extractor     string    `json:"extractor"`
	Language      string    `json:"language"`
	Direction     string    `json:"direction"`
	Label         string    `json:"label"`
	Headline      string    `json:"headline"`
	Source        string    `json:"source"`
	Authors       []string  `json:"authors"`
	PublishedAt   string    `json:"published_at"`
	ModifiedAt    string    `json:"modified_at"`
	Sections      []Section `json:"sections"`
	Images        []Image   `json:"images"`
	Text          string    `json:"text"`
}

// Section is a sub-heading and the paragraphs under it. The first section's
// heading is "" when the body starts without one.
type Section struct {
	Heading    string   `json:"heading"`
	Paragraphs []string `json:"paragraphs"`
}

// Image is one picture of the article with its caption. The first image
// of a record is the article's lead image when the page has one.
type Image struct {
	Src     string `json:"src"`
	Caption string `json:"caption"`
}
