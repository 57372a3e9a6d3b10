package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Error is an invalid config file: File, Line and Field say where, Err what.
// Line is 0 when the problem is not on one line (an unreadable file).
type Error struct {
	File  string
	Line  int
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// doc is one YAML file being checked: its name, its bytes and its syntax
// tree, for finding the line of a field.
type doc struct {
	file string
	data []byte
	ast  *ast.File
}

// decode parses data strictly into v, turning the YAML library's errors into
// *Error with a line and, where it can tell, a field.
func decode(file string, data []byte, v any) (*doc, error) {
	d := &doc{file: file, data: data}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, d.yamlError(err)
	}
	d.ast = f
	if err := yaml.UnmarshalWithOptions(data, v, yaml.Strict()); err != nil {
		return nil, d.yamlError(err)
	}
	return d, nil
}

func (d *doc) yamlError(err error) error {
	e := &Error{File: d.file, Err: err}
	var ye yaml.Error
	if errors.As(err, &ye) {
		e.Err = errors.New(cleanMessage(ye.GetMessage()))
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			e.Line = tk.Position.Line
			e.Field = fieldOfToken(d.ast, tk.Position.Line)
		}
		var uf *yaml.UnknownFieldError
		if errors.As(err, &uf) {
			e.Field = unknownFieldName(uf.Message, e.Field)
			e.Err = errors.New("unknown key")
		}
	}
	return e
}

// fail is an *Error for field at the line where path ("$.selectors.body")
// stands in the file, or the line of the nearest parent that exists.
func (d *doc) fail(path, field string, err error) error {
	return &Error{File: d.file, Line: d.line(path), Field: field, Err: err}
}

func (d *doc) line(path string) int {
	if d == nil || d.ast == nil {
		return 0
	}
	for p := path; p != "" && p != "$"; p = parentPath(p) {
		yp, err := yaml.PathString(p)
		if err != nil {
			continue
		}
		n, err := yp.FilterFile(d.ast)
		if err != nil || n == nil {
			continue
		}
		if tk := n.GetToken(); tk != nil && tk.Position != nil {
			return tk.Position.Line
		}
	}
	return 1
}

func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i <= 0 {
		return ""
	}
	return p[:i]
}

func cleanMessage(m string) string {
	return strings.TrimSpace(strings.TrimPrefix(m, "[0:0]"))
}

// unknownFieldName takes the key out of `unknown field "foo"`.
func unknownFieldName(msg, fallback string) string {
	if i := strings.Index(msg, `"`); i >= 0 {
		if j := strings.LastIndex(msg, `"`); j > i {
			return msg[i+1 : j]
		}
	}
	return fallback
}

// fieldOfToken names the mapping key that starts on line, if any.
func fieldOfToken(f *ast.File, line int) string {
	if f == nil {
		return ""
	}
	var name string
	for _, d := range f.Docs {
		ast.Walk(visitor(func(n ast.Node) {
			if name != "" {
				return
			}
			if mv, ok := n.(*ast.MappingValueNode); ok {
				if tk := mv.Key.GetToken(); tk != nil && tk.Position != nil && tk.Position.Line == line {
					name = strings.TrimPrefix(mv.GetPath(), "$.")
				}
			}
		}), d)
	}
	return name
}

type visitor func(ast.Node)

func (v visitor) Visit(n ast.Node) ast.Visitor {
	v(n)
	return v
}
