package osint

import (
	"html"
	"strings"

	"github.com/pactwatch/pactwatch/internal/lazyre"
)

// HTML is read by a small tokenizer rather than a full HTML5 parser: news
// pages need only their text, metadata and the removal of furniture, and
// the standard library's html.UnescapeString decodes entities.

// skipElements are never part of the article text.
var skipElements = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true, "svg": true, "iframe": true,
	"nav": true, "footer": true, "aside": true, "form": true, "button": true,
	"select": true, "canvas": true, "object": true, "embed": true, "video": true, "audio": true,
	"figure": false, "header": true, "menu": true, "dialog": true,
}

// rawText elements hold text that is not markup.
var rawText = map[string]bool{"script": true, "style": true, "textarea": true, "title": true, "noscript": true, "template": true, "xmp": true}

// blockElements end a paragraph.
var blockElements = map[string]bool{
	"p": true, "div": true, "br": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "ul": true, "ol": true, "article": true, "section": true, "main": true, "blockquote": true,
	"tr": true, "table": true, "figcaption": true, "figure": true, "hr": true, "pre": true, "dd": true, "dt": true,
	"body": true, "address": true, "center": true,
}

// voidElements have no end tag.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// furnitureClass matches class or id values of page furniture.
var furnitureClass = lazyre.New(`(?i)(^|[\s_-])(share|sharing|social|advert|advertisement|ads?|ad-slot|adslot|sponsor|promo|newsletter|related|recommend|comments?|donat\w*|subscribe|cookie|popup|modal|breadcrumbs?|byline-share|sidebar|outbrain|taboola)($|[\s_-])`)

// ReadHTML reads an HTML page: the title from og:title, <title> or the
// first <h1>; the outlet from og:site_name; the publication date from
// article:published_time or similar meta tags; the text from the body
// with scripts, navigation, footers, asides and elements whose class or id
// names page furniture (share bars, advertisements, newsletters,
// donations) removed, then boilerplate paragraphs stripped as in ReadText.
func ReadHTML(name string, data []byte, opt ReadOptions) (Article, error) {
	p := parseHTML(cleanText(data), true)
	if strings.TrimSpace(strings.Join(p.paras, "")) == "" {
		// A page whose furniture markers swallowed everything (an unclosed
		// element): fall back to the plain strip.
		p = parseHTML(cleanText(data), false)
	}
	a := Article{ID: FileID(name), File: name, Format: HTML, Outlet: opt.Outlet, Published: opt.Published}
	a.Title = firstNonEmpty(p.meta["og:title"], p.meta["twitter:title"], p.title, p.h1)
	if o := firstNonEmpty(p.meta["og:site_name"], p.meta["application-name"]); o != "" {
		a.Outlet = o
	}
	a.URL = firstNonEmpty(p.meta["og:url"], p.canonical)
	for _, k := range []string{"article:published_time", "datepublished", "pubdate", "publishdate", "date", "dc.date", "dc.date.issued", "sailthru.date", "parsely-pub-date"} {
		if v := p.meta[k]; v != "" {
			if t, err := ParsePublished(v); err == nil {
				a.Published = t
				break
			}
		}
	}
	paras := p.paras
	if len(paras) > 0 && a.Title != "" && strings.EqualFold(paras[0], a.Title) {
		paras = paras[1:]
	}
	a.Text, a.Stripped = stripBoilerplate(paras)
	if a.Text == "" {
		return a, &ParseError{File: name, Field: "body", Err: ErrEmpty}
	}
	a.Digest = digest(a)
	return a, nil
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

type parsedHTML struct {
	title, h1, canonical string
	meta                 map[string]string
	paras                []string
}

// parseHTML tokenizes s. With furniture set, elements whose class or id
// names furniture are skipped.
func parseHTML(s string, furniture bool) parsedHTML {
	p := parsedHTML{meta: map[string]string{}}
	var cur strings.Builder
	flush := func() {
		if t := strings.Join(strings.Fields(html.UnescapeString(cur.String())), " "); t != "" {
			p.paras = append(p.paras, t)
		}
		cur.Reset()
	}
	skipTag, skipDepth := "", 0
	inH1 := false
	var h1 strings.Builder
	for i := 0; i < len(s); {
		lt := strings.IndexByte(s[i:], '<')
		if lt < 0 {
			if skipDepth == 0 {
				cur.WriteString(s[i:])
				if inH1 {
					h1.WriteString(s[i:])
				}
			}
			break
		}
		if skipDepth == 0 {
			cur.WriteString(s[i : i+lt])
			if inH1 {
				h1.WriteString(s[i : i+lt])
			}
		}
		i += lt
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			end := strings.Index(rest[4:], "-->")
			if end < 0 {
				i = len(s)
			} else {
				i += 4 + end + 3
			}
			continue
		case strings.HasPrefix(rest, "<![CDATA["):
			end := strings.Index(rest, "]]>")
			if end < 0 {
				end = len(rest)
			} else if skipDepth == 0 {
				cur.WriteString(html.EscapeString(rest[9:end]))
			}
			i += min(len(rest), end+3)
			continue
		case strings.HasPrefix(rest, "<!"), strings.HasPrefix(rest, "<?"):
			end := strings.IndexByte(rest, '>')
			if end < 0 {
				i = len(s)
			} else {
				i += end + 1
			}
			continue
		}
		tag, n, ok := readTag(rest)
		if !ok { // a lone '<' is text
			if skipDepth == 0 {
				cur.WriteString("&lt;")
			}
			i++
			continue
		}
		i += n
		name := tag.name
		if skipDepth > 0 {
			if name == skipTag {
				if tag.end {
					skipDepth--
				} else if !tag.selfClosing && !voidElements[name] {
					skipDepth++
				}
			}
			if rawText[name] && !tag.end && !tag.selfClosing {
				i = skipRaw(s, i, name)
			}
			continue
		}
		if tag.end {
			if blockElements[name] {
				flush()
			}
			if name == "h1" {
				inH1 = false
				if p.h1 == "" {
					p.h1 = strings.Join(strings.Fields(html.UnescapeString(h1.String())), " ")
				}
			}
			continue
		}
		switch name {
		case "meta":
			k := strings.ToLower(firstNonEmpty(tag.attr["property"], tag.attr["name"], tag.attr["itemprop"]))
			if k != "" && p.meta[k] == "" {
				p.meta[k] = html.UnescapeString(tag.attr["content"])
			}
			continue
		case "link":
			if strings.EqualFold(tag.attr["rel"], "canonical") {
				p.canonical = tag.attr["href"]
			}
			continue
		case "title":
			end := skipRaw(s, i, name)
			if p.title == "" {
				body := s[i:end]
				if j := strings.LastIndex(strings.ToLower(body), "</title"); j >= 0 {
					body = body[:j]
				}
				p.title = strings.Join(strings.Fields(html.UnescapeString(body)), " ")
			}
			i = end
			continue
		}
		if skipElements[name] || (furniture && (furnitureClass.MatchString(tag.attr["class"]) || furnitureClass.MatchString(tag.attr["id"]))) {
			if !tag.selfClosing && !voidElements[name] {
				flush()
				if rawText[name] {
					i = skipRaw(s, i, name)
				} else {
					skipTag, skipDepth = name, 1
				}
			}
			continue
		}
		if rawText[name] && !tag.selfClosing {
			i = skipRaw(s, i, name)
			continue
		}
		if blockElements[name] {
			flush()
		}
		if name == "h1" && p.h1 == "" {
			inH1 = true
			h1.Reset()
		}
		if name == "img" || name == "input" {
			continue
		}
	}
	flush()
	return p
}

// skipRaw returns the index just past the end tag of raw-text element
// name, searching from i, or len(s) when there is none.
func skipRaw(s string, i int, name string) int {
	low := strings.ToLower(s[i:])
	j := strings.Index(low, "</"+name)
	if j < 0 {
		return len(s)
	}
	k := strings.IndexByte(low[j:], '>')
	if k < 0 {
		return len(s)
	}
	return i + j + k + 1
}

type htmlTag struct {
	name        string
	end         bool
	selfClosing bool
	attr        map[string]string
}

// readTag reads one tag at the start of s ("<a href=x>", "</p>"); n is
// its length. ok is false when s does not start a tag.
func readTag(s string) (t htmlTag, n int, ok bool) {
	i := 1
	if i < len(s) && s[i] == '/' {
		t.end = true
		i++
	}
	start := i
	for i < len(s) && (isAlnum(s[i]) || s[i] == '-' || s[i] == ':') {
		i++
	}
	if i == start || !isAlpha(s[start]) {
		return t, 0, false
	}
	t.name = strings.ToLower(s[start:i])
	t.attr = map[string]string{}
	for i < len(s) {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i >= len(s) {
			return t, len(s), true
		}
		switch s[i] {
		case '>':
			return t, i + 1, true
		case '/':
			t.selfClosing = true
			i++
			continue
		}
		ks := i
		for i < len(s) && !isSpace(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/' {
			i++
		}
		if i == ks { // a stray character such as a quote
			i++
			continue
		}
		key := strings.ToLower(s[ks:i])
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		val := ""
		if i < len(s) && s[i] == '=' {
			i++
			for i < len(s) && isSpace(s[i]) {
				i++
			}
			if i < len(s) && (s[i] == '"' || s[i] == '\'') {
				q := s[i]
				j := strings.IndexByte(s[i+1:], q)
				if j < 0 {
					val = s[i+1:]
					i = len(s)
				} else {
					val = s[i+1 : i+1+j]
					i += j + 2
				}
			} else {
				vs := i
				for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
					i++
				}
				val = s[vs:i]
			}
		}
		if _, dup := t.attr[key]; !dup {
			t.attr[key] = val
		}
	}
	return t, len(s), true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isAlnum(c byte) bool { return isAlpha(c) || '0' <= c && c <= '9' }
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }
