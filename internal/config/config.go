package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/newsarc/newsarc/crawler"
)

// DefaultPath is the main config file read when --config is not given and
// the file exists.
const DefaultPath = "configs/newsarc.yaml"

// Config is the main config file. The zero value of a field means its
// default (see Default).
type Config struct {
	DB           string   `yaml:"db"`
	SitesDir     string   `yaml:"sites_dir"`
	UserAgent    string   `yaml:"user_agent"`
	Concurrency  int      `yaml:"concurrency"`
	Timeout      Duration `yaml:"-"`
	MaxBodyBytes int64    `yaml:"max_body_bytes"`
	Listen       string   `yaml:"listen"`
	// APIToken is the bearer token the HTTP API of `newsarc run` requires;
	// "" = none, allowed only when Listen is a loopback address.
	APIToken string `yaml:"api_token"`
	// MaxConcurrentSites is how many sites `newsarc run` crawls at once.
	MaxConcurrentSites int `yaml:"max_concurrent_sites"`

	// File is the path the config was read from, "" for built-in defaults.
	File string `yaml:"-"`
}

// Default returns the built-in defaults.
func Default() Config {
	return Config{
		DB:           "newsarc.db",
		SitesDir:     "configs/sites",
		UserAgent:    crawler.DefaultUserAgent,
		Concurrency:  8,
		Timeout:      Duration(30 * time.Second),
		MaxBodyBytes: 10 << 20,
		Listen:       "127.0.0.1:8080",
		// Each site's crawl keeps Concurrency requests in flight; two
		// sites at once keep a machine busy without crowding any host.
		MaxConcurrentSites: 2,
	}
}

// Load reads the main config at path; keys it leaves out keep their defaults.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, &Error{File: path, Err: err}
	}
	return Parse(path, data)
}

// Parse is Load for bytes already read; file names them in errors.
func Parse(file string, data []byte) (Config, error) {
	var f struct {
		Config  `yaml:",inline"`
		Timeout string `yaml:"timeout"`
	}
	d, err := decode(file, data, &f)
	if err != nil {
		return Config{}, err
	}
	c := f.Config
	if f.Timeout != "" {
		v, err := time.ParseDuration(f.Timeout)
		if err != nil {
			return Config{}, d.fail("$.timeout", "timeout", fmt.Errorf("%q is not a duration (like 30s or 1m)", f.Timeout))
		}
		c.Timeout = Duration(v)
	}
	if err := c.validate(d); err != nil {
		return Config{}, err
	}
	def := Default()
	if c.DB == "" {
		c.DB = def.DB
	}
	if c.SitesDir == "" {
		c.SitesDir = def.SitesDir
	}
	if c.UserAgent == "" {
		c.UserAgent = def.UserAgent
	}
	if c.Concurrency == 0 {
		c.Concurrency = def.Concurrency
	}
	if c.Timeout == 0 {
		c.Timeout = def.Timeout
	}
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = def.MaxBodyBytes
	}
	if c.Listen == "" {
		c.Listen = def.Listen
	}
	if c.MaxConcurrentSites == 0 {
		c.MaxConcurrentSites = def.MaxConcurrentSites
	}
	if c.APIToken == "" && c.Listen != ListenOff && !LoopbackListen(c.Listen) {
		return Config{}, d.fail("$.listen", "listen",
			fmt.Errorf("%q is reachable beyond this machine: set api_token, or listen on 127.0.0.1 or [::1]", c.Listen))
	}
	c.File = file
	return c, nil
}

func (c *Config) validate(d *doc) error {
	switch {
	case c.Concurrency < 0:
		return d.fail("$.concurrency", "concurrency", errors.New("must be at least 1 (0 or left out: the default, 8)"))
	case c.Timeout < 0:
		return d.fail("$.timeout", "timeout", errors.New("must be positive"))
	case c.MaxBodyBytes < 0:
		return d.fail("$.max_body_bytes", "max_body_bytes", errors.New("must be positive"))
	case c.MaxConcurrentSites < 0:
		return d.fail("$.max_concurrent_sites", "max_concurrent_sites", errors.New("must be at least 1 (0 or left out: the default, 2)"))
	}
	if c.Listen != "" && c.Listen != ListenOff {
		if _, _, err := net.SplitHostPort(c.Listen); err != nil {
			return d.fail("$.listen", "listen", fmt.Errorf("%q is not host:port (like 127.0.0.1:8080)", c.Listen))
		}
	}
	return nil
}

// ListenOff as listen: newsarc run serves no API.
const ListenOff = "off"

// LoopbackListen reports whether a listen address (host:port) binds to a
// loopback address only: 127.0.0.0/8, ::1 or localhost. An empty host
// binds every interface.
func LoopbackListen(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || host == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Duration is a time.Duration written as in Go ("30s", "1m30s").
type Duration time.Duration
