//! YAML output: the decisions of sigs.k8s.io/yaml (JSON -> go-yaml v2 values -> go-yaml v2 emitter).
//!
//! A port of the parts of go-yaml v2's encoder and libyaml emitter that Vault's output
//! reaches: block mappings and sequences, `{}`/`[]` for empty ones, the scalar style
//! choice (plain, single-quoted, double-quoted, literal), line folding at 80 columns,
//! and go-yaml's "natural" key order. No I/O.

use std::fmt::Write as _;

use serde_json::Value;

const BEST_WIDTH: usize = 80;
const BEST_INDENT: i64 = 2;

/// `yaml.Marshal` of a JSON value: the untrimmed text, ending with a newline.
pub(crate) fn marshal(v: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        whitespace: true,
        indention: true,
        indent: -1,
        indents: Vec::new(),
    };
    e.node(v, false, false);
    // Document end: an implicit end still breaks the last line.
    e.indent = -1;
    e.write_indent();
    e.out
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i64,
    indents: Vec<i64>,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_ind: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_ind;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    /// Emits one node; `mapping` is true for a mapping value, `simple_key` for a key.
    fn node(&mut self, v: &Value, mapping: bool, simple_key: bool) {
        match v {
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                sort_keys(&mut keys);
                self.increase_indent(false, false);
                for k in keys {
                    self.write_indent();
                    let key_style = string_style(k);
                    let simple = k.len() <= 128 && !analyze(k).multiline;
                    if simple {
                        self.scalar(k, key_style, true);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.scalar(k, key_style, false);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    if let Some(item) = map.get(k.as_str()) {
                        self.node(item, true, false);
                    }
                }
                self.pop_indent();
            }
            Value::Array(items) => {
                let indentless = mapping && !self.indention;
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, false, false);
                }
                self.pop_indent();
            }
            Value::String(s) => {
                let style = string_style(s);
                self.scalar(s, style, simple_key);
            }
            Value::Null => self.scalar("null", Style::Plain, simple_key),
            Value::Bool(b) => {
                self.scalar(if *b { "true" } else { "false" }, Style::Plain, simple_key)
            }
            Value::Number(n) => {
                let text = number_text(&n.to_string());
                self.scalar(&text, Style::Plain, simple_key);
            }
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style, simple_key: bool) {
        let a = analyze(value);
        let mut style = requested;
        if style == Style::Plain && (!a.block_plain_allowed || (value.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(value, allow_breaks),
            Style::Single => self.write_single(value, allow_breaks),
            Style::Double => self.write_double(value, allow_breaks),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                self.indention = false;
                spaces = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                    && !next_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                // Only U+2028/U+2029 get here (a line feed selects another style): libyaml
                // writes the character itself and counts it as a line break.
                self.out.push(c);
                self.column = 0;
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                let esc = match c {
                    '\0' => "\\0".to_string(),
                    '\u{7}' => "\\a".to_string(),
                    '\u{8}' => "\\b".to_string(),
                    '\t' => "\\t".to_string(),
                    '\n' => "\\n".to_string(),
                    '\u{b}' => "\\v".to_string(),
                    '\u{c}' => "\\f".to_string(),
                    '\r' => "\\r".to_string(),
                    '\u{1b}' => "\\e".to_string(),
                    '"' => "\\\"".to_string(),
                    '\\' => "\\\\".to_string(),
                    '\u{85}' => "\\N".to_string(),
                    '\u{a0}' => "\\_".to_string(),
                    '\u{2028}' => "\\L".to_string(),
                    '\u{2029}' => "\\P".to_string(),
                    c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                    c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                    c => format!("\\U{:08X}", c as u32),
                };
                for e in esc.chars() {
                    self.put(e);
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < chars.len()
                {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        self.block_scalar_hints(value);
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for c in value.chars() {
            if is_break(c) {
                // go-yaml writes a line feed for "\n" and the character itself otherwise.
                if c == '\n' {
                    self.put_break();
                } else {
                    self.out.push(c);
                    self.column = 0;
                }
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }

    fn block_scalar_hints(&mut self, value: &str) {
        let chars: Vec<char> = value.chars().collect();
        if let Some(&first) = chars.first() {
            if first == ' ' || is_break(first) {
                let _ = write!(self.out, "{BEST_INDENT}");
                self.column += 1;
            }
        }
        let chomp = match chars.len() {
            0 => Some('-'),
            len => {
                if !is_break(chars[len - 1]) {
                    Some('-')
                } else if len == 1 || is_break(chars[len - 2]) {
                    Some('+')
                } else {
                    None
                }
            }
        };
        if let Some(c) = chomp {
            self.put(c);
        }
    }
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// libyaml's `is_printable` (it works on UTF-8 bytes; this is the same set by code point).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

#[derive(Default)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// libyaml's `yaml_emitter_analyze_scalar`, for the block context only (flow is used
/// only for empty collections).
fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let chars: Vec<char> = value.chars().collect();
    let n = chars.len();
    let mut block_indicators = value.starts_with("---") || value.starts_with("...");
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_ws = true;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = i + 1 >= n || matches!(chars[i + 1], ' ' | '\t');
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i + 1 == n;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            leading_break |= i == 0;
            trailing_break |= i + 1 == n;
            space_break |= previous_space;
            previous_break = true;
            previous_space = false;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_ws = matches!(c, ' ' | '\t' | '\0') || is_break(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml's `stringv`: literal for text with a line feed, plain when the text would read
/// back as a string, double-quoted otherwise.
///
/// **Deviation** (docs/deviations.md, D-17): "would read back as a string" is asked of YAML
/// 1.1's resolvers too, not only go-yaml's. go-yaml v2 (and so OpenBao) leaves `<<`, `=`,
/// dates that do not exist (`2001-13-45`) and a few number-like texts (`0b_`, `0x_`) plain;
/// a YAML 1.1 reader (PyYAML, libyaml-based tools) reads those as a merge key, a value key, a
/// date or a number, or fails. Quoting them costs go-yaml readers nothing.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_str(s) && !is_base60_float(s) && !yaml11_non_str(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// Whether a YAML 1.1 reader resolves the plain scalar `s` to something other than a string:
/// the implicit resolvers of the YAML 1.1 type repository as PyYAML implements them (bool,
/// float, int, merge, null, timestamp, value).
fn yaml11_non_str(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "", "~", "null", "Null", "NULL", "<<", "=", ".inf",
        ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN",
        ".NAN",
    ];
    WORDS.contains(&s) || yaml11_float(s) || yaml11_int(s) || yaml11_timestamp(s)
}

/// A cursor over ASCII bytes for the hand-written YAML 1.1 resolver patterns.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    fn new(s: &'a str) -> Self {
        Cur {
            b: s.as_bytes(),
            i: 0,
        }
    }
    fn eat(&mut self, f: impl Fn(u8) -> bool) -> bool {
        match self.b.get(self.i) {
            Some(&c) if f(c) => {
                self.i += 1;
                true
            }
            _ => false,
        }
    }
    fn byte(&mut self, c: u8) -> bool {
        self.eat(|x| x == c)
    }
    fn many(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let start = self.i;
        while self.eat(&f) {}
        self.i - start
    }
    fn sign(&mut self) {
        self.eat(|c| c == b'+' || c == b'-');
    }
    fn end(&self) -> bool {
        self.i == self.b.len()
    }
    /// `(?::[0-5]?[0-9])+`
    fn sexagesimal(&mut self) -> bool {
        let mut groups = 0;
        while self.b.get(self.i) == Some(&b':') {
            let at = self.i;
            self.i += 1;
            let two = matches!(self.b.get(self.i), Some(b'0'..=b'5'))
                && self.b.get(self.i + 1).is_some_and(u8::is_ascii_digit);
            if two {
                self.i += 2;
            } else if !self.eat(|c| c.is_ascii_digit()) {
                self.i = at;
                break;
            }
            groups += 1;
        }
        groups > 0
    }
}

fn digit(c: u8) -> bool {
    c.is_ascii_digit()
}

fn digit_(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}

/// `[eE][-+][0-9]+` (optional), then the end.
fn exponent_then_end(c: &mut Cur) -> bool {
    if c.eat(|x| x == b'e' || x == b'E')
        && !(c.eat(|x| x == b'+' || x == b'-') && c.many(digit) > 0)
    {
        return false;
    }
    c.end()
}

/// PyYAML's float: `[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?`,
/// `\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?`, `[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*`
/// (the `inf`/`nan` words are in the word list).
fn yaml11_float(s: &str) -> bool {
    let decimal = || {
        let mut c = Cur::new(s);
        c.sign();
        c.eat(digit)
            && {
                c.many(digit_);
                c.byte(b'.')
            }
            && {
                c.many(digit_);
                exponent_then_end(&mut c)
            }
    };
    let fraction = || {
        let mut c = Cur::new(s);
        c.byte(b'.') && c.eat(digit) && {
            c.many(digit_);
            exponent_then_end(&mut c)
        }
    };
    let base60 = || {
        let mut c = Cur::new(s);
        c.sign();
        c.eat(digit)
            && {
                c.many(digit_);
                c.sexagesimal()
            }
            && c.byte(b'.')
            && {
                c.many(digit_);
                c.end()
            }
    };
    decimal() || fraction() || base60()
}

/// PyYAML's int: `[-+]?0b[0-1_]+`, `[-+]?0[0-7_]+`, `[-+]?(?:0|[1-9][0-9_]*)`,
/// `[-+]?0x[0-9a-fA-F_]+`, `[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`.
fn yaml11_int(s: &str) -> bool {
    let with_sign = |f: &dyn Fn(&mut Cur) -> bool| {
        let mut c = Cur::new(s);
        c.sign();
        f(&mut c)
    };
    with_sign(&|c| {
        c.byte(b'0') && c.byte(b'b') && c.many(|x| matches!(x, b'0' | b'1' | b'_')) > 0 && c.end()
    }) || with_sign(&|c| c.byte(b'0') && c.many(|x| matches!(x, b'0'..=b'7' | b'_')) > 0 && c.end())
        || with_sign(&|c| c.byte(b'0') && c.end())
        || with_sign(&|c| {
            c.eat(|x| matches!(x, b'1'..=b'9')) && {
                c.many(digit_);
                c.end()
            }
        })
        || with_sign(&|c| {
            c.byte(b'0')
                && c.byte(b'x')
                && c.many(|x| x.is_ascii_hexdigit() || x == b'_') > 0
                && c.end()
        })
        || with_sign(&|c| {
            c.eat(|x| matches!(x, b'1'..=b'9')) && {
                c.many(digit_);
                c.sexagesimal() && c.end()
            }
        })
}

/// PyYAML's timestamp: `[0-9]{4}-[0-9]{2}-[0-9]{2}`, or
/// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?`
/// `(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?` (whether the date exists is not asked: a
/// reader that then fails to build the date fails the whole document).
fn yaml11_timestamp(s: &str) -> bool {
    let upto = |c: &mut Cur, min: usize, max: usize| {
        let start = c.i;
        while c.i - start < max && c.eat(digit) {}
        c.i - start >= min
    };
    let mut c = Cur::new(s);
    if !(upto(&mut c, 4, 4) && c.byte(b'-')) {
        return false;
    }
    let date_start = c.i;
    if upto(&mut c, 2, 2) && c.byte(b'-') && upto(&mut c, 2, 2) && c.end() {
        return true;
    }
    c.i = date_start;
    if !(upto(&mut c, 1, 2) && c.byte(b'-') && upto(&mut c, 1, 2)) {
        return false;
    }
    if !c.eat(|x| x == b'T' || x == b't') && c.many(|x| x == b' ' || x == b'\t') == 0 {
        return false;
    }
    if !(upto(&mut c, 1, 2)
        && c.byte(b':')
        && upto(&mut c, 2, 2)
        && c.byte(b':')
        && upto(&mut c, 2, 2))
    {
        return false;
    }
    if c.byte(b'.') {
        c.many(digit);
    }
    let before_zone = c.i;
    c.many(|x| x == b' ' || x == b'\t');
    let zoned = c.byte(b'Z')
        || (c.eat(|x| x == b'+' || x == b'-') && upto(&mut c, 1, 2) && {
            let at = c.i;
            if !(c.byte(b':') && upto(&mut c, 2, 2)) {
                c.i = at;
            }
            true
        });
    if !zoned {
        c.i = before_zone;
    }
    c.end()
}

/// go-yaml v2 `resolve` for an untagged plain scalar: does it stay a string?
fn resolves_to_str(s: &str) -> bool {
    const SPECIAL: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
        "on", "On", "ON", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off",
        "OFF", ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    let first = match s.chars().next() {
        None => return false,
        Some(c) => c,
    };
    let hint = match first {
        '+' | '-' => 'S',
        '0'..='9' => 'D',
        'y' | 'Y' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' | '~' => 'M',
        '.' => '.',
        _ => return true,
    };
    if SPECIAL.contains(&s) {
        return false;
    }
    match hint {
        '.' => go_parse_float(s).is_none(),
        'D' | 'S' => {
            if is_timestamp(s) {
                return false;
            }
            let plain = s.replace('_', "");
            if go_parse_int_base0(&plain) || is_yaml_style_float(&plain) {
                return false;
            }
            true
        }
        _ => true,
    }
}

/// `strconv.ParseInt(s, 0, 64)` or `ParseUint(s, 0, 64)` succeeds.
fn go_parse_int_base0(s: &str) -> bool {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'+') => (false, &s[1..]),
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    match u128::from_str_radix(digits, radix) {
        Ok(v) if neg => v <= 1u128 << 63,
        Ok(v) => v <= u128::from(u64::MAX),
        Err(_) => false,
    }
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the strings that start with `.` (the only place
/// go-yaml calls it unguarded): a decimal fraction with an optional exponent.
fn go_parse_float(s: &str) -> Option<f64> {
    if is_yaml_style_float(s) {
        s.parse::<f64>().ok().filter(|f| f.is_finite())
    } else {
        None
    }
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        // [0-5]?[0-9]: one digit, or two digits with the first in 0..=5.
        match (b.get(i), b.get(i + 1)) {
            (Some(d1), Some(d2)) if (b'0'..=b'5').contains(d1) && d2.is_ascii_digit() => i += 2,
            (Some(d1), _) if d1.is_ascii_digit() => i += 1,
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// go-yaml v2 `parseTimestamp`: the layouts `2006-1-2T15:4:5.999999999Z07:00`, the same
/// with `t`, `2006-1-2 15:4:5.999999999` and `2006-1-2`, as Go's `time.Parse` reads them.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    let mut i = 5;
    let month = match num12(b, &mut i) {
        Some(m) if (1..=12).contains(&m) => m,
        _ => return false,
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let day = match num12(b, &mut i) {
        Some(d) => d,
        None => return false,
    };
    let year: u32 = s[..4].parse().unwrap_or(0);
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days_in_month = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days_in_month {
        return false;
    }
    if i == b.len() {
        return true;
    }
    let zoned = match b[i] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    i += 1;
    for (k, max) in [23u32, 59, 59].into_iter().enumerate() {
        if k > 0 {
            if b.get(i) != Some(&b':') {
                return false;
            }
            i += 1;
        }
        match num12(b, &mut i) {
            Some(v) if v <= max => {}
            _ => return false,
        }
    }
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if !zoned {
        return i == b.len();
    }
    match b.get(i) {
        Some(b'Z') => i + 1 == b.len(),
        Some(b'+' | b'-') => {
            let rest = &b[i + 1..];
            rest.len() == 5
                && rest[0].is_ascii_digit()
                && rest[1].is_ascii_digit()
                && rest[2] == b':'
                && rest[3].is_ascii_digit()
                && rest[4].is_ascii_digit()
                && (rest[0] - b'0') * 10 + (rest[1] - b'0') <= 24
                && (rest[3] - b'0') * 10 + (rest[4] - b'0') <= 60
        }
        _ => false,
    }
}

/// Go's `getnum(value, false)`: one digit, or two when the second is a digit.
fn num12(b: &[u8], i: &mut usize) -> Option<u32> {
    let d1 = *b.get(*i).filter(|c| c.is_ascii_digit())?;
    *i += 1;
    let mut v = u32::from(d1 - b'0');
    if let Some(d2) = b.get(*i).filter(|c| c.is_ascii_digit()) {
        v = v * 10 + u32::from(d2 - b'0');
        *i += 1;
    }
    Some(v)
}

/// A JSON number as go-yaml re-emits it: integers that fit int64/uint64 keep their digits,
/// other numbers go through float64 and Go's `FormatFloat(f, 'g', -1, 64)`.
fn number_text(lit: &str) -> String {
    if let Ok(i) = lit.parse::<i64>() {
        return i.to_string();
    }
    if let Ok(u) = lit.parse::<u64>() {
        return u.to_string();
    }
    match lit.parse::<f64>() {
        Ok(f) if f.is_finite() => go_format_float_g(f),
        // Out of float64 range: go-yaml reads the token back as a string.
        _ => lit.to_string(),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`.
fn go_format_float_g(f: f64) -> String {
    // Rust's `{:e}` gives the shortest round-trip digits: "d.ddde±x".
    let sci = format!("{:e}", f.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let exp: i64 = exp.parse().unwrap_or(0);
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        return format!("{sign}0");
    }
    let nd = digits.len() as i64;
    // Shortest formatting decides with precision 6: %e below 1e-4 and from 1e6 up.
    if !(-4..6).contains(&exp) {
        // %e with the shortest digits: d.ddd, then e±dd (at least two exponent digits).
        let mut m = digits[..1].to_string();
        if nd > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{m}e{esign}{:02}", exp.abs());
    }
    // %f with just enough fraction digits.
    let dp = exp + 1; // position of the decimal point within the digits
    let mut out = String::from(sign);
    if dp <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-dp) as usize));
        out.push_str(&digits);
    } else if dp >= nd {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (dp - nd) as usize));
    } else {
        out.push_str(&digits[..dp as usize]);
        out.push('.');
        out.push_str(&digits[dp as usize..]);
    }
    out
}

/// Sorts keys with go-yaml v2's `keyList.Less`, with a panic-free insertion sort (the
/// order is not guaranteed total, and Rust's sort may panic on such comparators).
fn sort_keys(keys: &mut [&String]) {
    for i in 1..keys.len() {
        let mut j = i;
        while j > 0 && key_less(keys[j], keys[j - 1]) {
            keys.swap(j, j - 1);
            j -= 1;
        }
    }
}

/// go-yaml v2's natural order: letters after other characters, digit runs by value.
fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an
                .wrapping_mul(10)
                .wrapping_add(i64::from(ar[ai] as u8 - b'0'));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(i64::from(br[bi] as u8 - b'0'));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::marshal;

    /// Pairs of (JSON input, go-yaml text) captured from `bao kv get -format=yaml -field=...`.
    #[test]
    fn yaml_scalars_match_go_yaml() {
        let cases: Vec<(&str, &str)> = vec![
            (r#""""#, "\"\"\n"),
            (r#""plain""#, "plain\n"),
            (r#""123""#, "\"123\"\n"),
            (r#""1e3""#, "\"1e3\"\n"),
            (r#""1.""#, "\"1.\"\n"),
            (r#"".5""#, "\".5\"\n"),
            (r#""+1""#, "\"+1\"\n"),
            (r#""-1""#, "\"-1\"\n"),
            (r#""0x1F""#, "\"0x1F\"\n"),
            (r#""0x""#, "0x\n"),
            (r#""0o17""#, "\"0o17\"\n"),
            (r#""0o8""#, "0o8\n"),
            (r#""0755""#, "\"0755\"\n"),
            (r#""09""#, "\"09\"\n"),
            (r#""0b101""#, "\"0b101\"\n"),
            (r#""1_000""#, "\"1_000\"\n"),
            (r#""1_000.5""#, "\"1_000.5\"\n"),
            (r#""123456789012345678901""#, "\"123456789012345678901\"\n"),
            (r#""1e""#, "1e\n"),
            (r#""true""#, "\"true\"\n"),
            (r#""yes""#, "\"yes\"\n"),
            (r#""Y""#, "\"Y\"\n"),
            (r#""n""#, "\"n\"\n"),
            (r#""on""#, "\"on\"\n"),
            (r#""OFF""#, "\"OFF\"\n"),
            (r#""null""#, "\"null\"\n"),
            (r#""Null""#, "\"Null\"\n"),
            (r#""~""#, "\"~\"\n"),
            (r#"".inf""#, "\".inf\"\n"),
            (r#""NaN""#, "NaN\n"),
            (r#""Infinity""#, "Infinity\n"),
            // bao prints `<<` plain; jwtvault quotes it (D-17: YAML 1.1 reads a merge key).
            (r#""<<""#, "\"<<\"\n"),
            (r#""12:30""#, "\"12:30\"\n"),
            (r#""1:5""#, "\"1:5\"\n"),
            (r#""1:60""#, "1:60\n"),
            (r#""190:20:30""#, "\"190:20:30\"\n"),
            (r#""1_2:3""#, "\"1_2:3\"\n"),
            (r#""2024-01-01""#, "\"2024-01-01\"\n"),
            (r#""2000-02-29""#, "\"2000-02-29\"\n"),
            // bao prints dates that do not exist plain; a YAML 1.1 reader fails on them (D-17).
            (r#""2001-02-29""#, "\"2001-02-29\"\n"),
            (r#""2001-13-01""#, "\"2001-13-01\"\n"),
            (r#""2001-1-1T1:2:3Z""#, "\"2001-1-1T1:2:3Z\"\n"),
            (
                r#""2001-12-14t21:59:43.10-05:00""#,
                "\"2001-12-14t21:59:43.10-05:00\"\n",
            ),
            (
                r#""2001-12-14 21:59:43.10""#,
                "\"2001-12-14 21:59:43.10\"\n",
            ),
            (
                r#""2001-01-01T00:00:00+0100""#,
                "2001-01-01T00:00:00+0100\n",
            ),
            (r#""20011-01-01""#, "20011-01-01\n"),
            (
                r#""2026-11-30T02:37:40.519133955Z""#,
                "\"2026-11-30T02:37:40.519133955Z\"\n",
            ),
            (r#""&x""#, "'&x'\n"),
            (r#""-""#, "'-'\n"),
            (r#""- x""#, "'- x'\n"),
            (r#""-x""#, "-x\n"),
            (r#""--""#, "--\n"),
            (r#""---""#, "'---'\n"),
            (r#""...""#, "'...'\n"),
            (r#""?x""#, "?x\n"),
            (r#""? x""#, "'? x'\n"),
            (r#"":x""#, ":x\n"),
            (r#""x:y""#, "x:y\n"),
            (r#""a: b""#, "'a: b'\n"),
            (r#""a:""#, "'a:'\n"),
            (r#""a #b""#, "'a #b'\n"),
            (r#""a#b""#, "a#b\n"),
            (r#""'""#, "''''\n"),
            (r#""it's""#, "it's\n"),
            (r#""say \"hi\"""#, "say \"hi\"\n"),
            (r#""<a&b>""#, "<a&b>\n"),
            (r#""a,b""#, "a,b\n"),
            (r#"" lead""#, "' lead'\n"),
            (r#""trail ""#, "'trail '\n"),
            (r#""a\tb""#, "\"a\\tb\"\n"),
            (r#""a\rb""#, "\"a\\rb\"\n"),
            (r#""\u0001""#, "\"\\x01\"\n"),
            (
                r#""x\by\fz\u2028w\u00a0e\ud83d\ude00é""#,
                "\"x\\by\\fz\\Lw\u{a0}e\\U0001F600é\"\n",
            ),
            (r#""a\u2028b""#, "'a\u{2028}  b'\n"),
            (r#""é∞""#, "é∞\n"),
            (r#""line1\nline2\n""#, "|\n  line1\n  line2\n"),
            (r#""a\nb""#, "|-\n  a\n  b\n"),
            (r#""\n""#, "|2+\n\n"),
            (r#""\n\n""#, "|2+\n\n\n"),
            (r#""a\n\nb\n\n""#, "|+\n  a\n\n  b\n\n"),
            (r#""\na""#, "|2-\n\n  a\n"),
            (r#"" a\nb""#, "|2-\n   a\n  b\n"),
            (r#""a\n b""#, "|-\n  a\n   b\n"),
            (r#""a \nb""#, "\"a \\nb\"\n"),
            (r#""a\n ""#, "\"a\\n \"\n"),
            (r#""a\n\tb""#, "\"a\\n\\tb\"\n"),
            ("null", "null\n"),
            ("true", "true\n"),
            ("[]", "[]\n"),
            ("{}", "{}\n"),
        ];
        for (input, want) in cases {
            let v: Value = serde_json::from_str(input).unwrap();
            assert_eq!(marshal(&v), want, "{input}");
        }
    }

    #[test]
    fn yaml_numbers_follow_go_yaml_types() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("1000", "1000"),
            ("-5", "-5"),
            ("9223372036854775807", "9223372036854775807"),
            ("18446744073709551615", "18446744073709551615"),
            ("18446744073709551616", "1.8446744073709552e+19"),
            ("-9223372036854775809", "-9.223372036854776e+18"),
            ("1.0", "1"),
            ("1.5", "1.5"),
            ("1e3", "1000"),
            ("100000.0", "100000"),
            ("1e6", "1e+06"),
            ("1234567.5", "1.2345675e+06"),
            ("123456.5", "123456.5"),
            ("0.0001", "0.0001"),
            ("0.00001", "1e-05"),
            ("-0.0", "-0"),
            ("1e21", "1e+21"),
            ("1.5e-300", "1.5e-300"),
            // Beyond float64: go-yaml reads the token back as a plain string.
            ("1e400", "1e+400"),
        ];
        for (input, want) in cases {
            let v: Value = serde_json::from_str(input).unwrap();
            assert_eq!(marshal(&v), format!("{want}\n"), "{input}");
        }
    }

    #[test]
    fn yaml_structures_and_key_order_match_go_yaml() {
        let v: Value = serde_json::from_str(
            r#"{"nested": {"a": {}, "z": [1, {"b": null, "a": [true, "x y"]}]},
                "seqseq": [[1, 2], [], {}, [{"a": "b"}]],
                "k10": 1, "k9": 2, "K": 3, "_a": 4, "{": 5, "y": "<<", "": 1,
                "lit": ["a\nb", " c\n"], "deep": {"x": [{"y": "z\nw"}]}}"#,
        )
        .unwrap();
        let want = "\
\"\": 1
_a: 4
'{': 5
K: 3
deep:
  x:
  - \"y\": |-
      z
      w
k9: 2
k10: 1
lit:
- |-
  a
  b
- |2
   c
nested:
  a: {}
  z:
  - 1
  - a:
    - true
    - x y
    b: null
seqseq:
- - 1
  - 2
- []
- {}
- - a: b
\"y\": \"<<\"
";
        assert_eq!(marshal(&v), want);
    }

    #[test]
    fn yaml_folds_long_lines_at_80_columns() {
        let long = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq rrrr ssss";
        assert_eq!(
            marshal(&json!(long)),
            "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp qqqq\n  rrrr ssss\n"
        );
        let v = json!({"data": {"long": long}});
        assert_eq!(
            marshal(&v),
            "data:\n  long: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n    pppp qqqq rrrr ssss\n"
        );
        let words = |w: &str, n: usize| vec![w; n].join(" ");
        let v = json!({
            "longsingle": format!("&{}", words("word", 30)),
            "longdouble": format!("yes{}\t", words("wd", 40)),
            "dblspace": format!("tab\t{}", vec!["wd"; 30].join("  ")),
            "plain2": vec!["wd"; 30].join("  "),
        });
        let want = "\
dblspace: \"tab\\twd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd
  \\ wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd\"
longdouble: \"yeswd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd
  wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd wd\\t\"
longsingle: '&word word word word word word word word word word word word word word
  word word word word word word word word word word word word word word word word'
plain2: wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd  wd
";
        assert_eq!(marshal(&v), want);
    }

    #[test]
    fn yaml_complex_keys() {
        let long_key = "k".repeat(130);
        let short_key = "k".repeat(128);
        let v = json!({ long_key.clone(): "v", short_key.clone(): "v", "kk\nx": "v" });
        let want = format!("? |-\n  kk\n  x\n: v\n{short_key}: v\n? {long_key}\n: v\n");
        assert_eq!(marshal(&v), want);
    }

    /// Texts go-yaml v2 leaves plain but a YAML 1.1 reader would not read back as the string
    /// (OpenBao prints these plain): jwtvault double-quotes them. Texts both read as strings
    /// stay plain.
    #[test]
    fn yaml_quotes_what_yaml_1_1_would_not_read_as_a_string() {
        for s in [
            "<<",
            "=",
            "2001-13-45",
            "2001-02-30",
            "2001-12-14  21:59:43",
            "2001-12-14\t21:59:43.10 -5",
            "2001-1-1 1:00:00 +5:00",
            "0b_",
            "0x_",
            "-0b__",
            "1_:0.",
            "0_",
        ] {
            assert_eq!(
                marshal(&json!(s)),
                format!("{}\n", serde_json::to_string(s).unwrap()),
                "{s:?}"
            );
            assert_eq!(
                marshal(&json!({ s: 1 })),
                format!("{}: 1\n", serde_json::to_string(s).unwrap()),
                "{s:?}"
            );
        }
        for s in [
            "<", "<<x", "==", "=x", "~x", "0b2", "0x", "._1", "1.0.0", "yes!", "On1",
        ] {
            assert_eq!(marshal(&json!(s)), format!("{s}\n"), "{s:?}");
        }
    }
}
