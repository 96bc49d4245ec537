//! A small XML writer that always escapes: element and attribute names are
//! the writer's own (`&'static str`), every value and text it is given is
//! escaped, so no caller's string can change the markup.

use crate::text::push_xml_escaped;

/// An XML document being written, element by element.
pub(crate) struct Xml {
    out: Vec<u8>,
    /// Open elements, and whether each has content yet.
    open: Vec<(&'static str, bool)>,
}

impl Xml {
    /// A document starting with the declaration Office writes.
    pub(crate) fn new() -> Xml {
        Xml {
            out: b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n".to_vec(),
            open: Vec::new(),
        }
    }

    /// Ends the start tag of the innermost element, if still open.
    fn content(&mut self) {
        if let Some((_, has_content)) = self.open.last_mut()
            && !*has_content
        {
            *has_content = true;
            self.out.push(b'>');
        }
    }

    /// Opens `<name`; attributes may follow until content or [`Xml::end`].
    pub(crate) fn start(&mut self, name: &'static str) -> &mut Xml {
        self.content();
        self.out.push(b'<');
        self.out.extend_from_slice(name.as_bytes());
        self.open.push((name, false));
        self
    }

    /// ` name="value"`, the value escaped.
    pub(crate) fn attr(&mut self, name: &'static str, value: &str) -> &mut Xml {
        self.out.push(b' ');
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(b"=\"");
        push_xml_escaped(&mut self.out, value);
        self.out.push(b'"');
        self
    }

    /// An attribute whose value is a number.
    pub(crate) fn num(&mut self, name: &'static str, value: impl itoa::Integer) -> &mut Xml {
        let mut buf = itoa::Buffer::new();
        let value = buf.format(value).to_owned();
        self.attr(name, &value)
    }

    /// Closes the innermost element: `/>` when it has no content.
    pub(crate) fn end(&mut self) -> &mut Xml {
        if let Some((name, has_content)) = self.open.pop() {
            if has_content {
                self.out.extend_from_slice(b"</");
                self.out.extend_from_slice(name.as_bytes());
                self.out.push(b'>');
            } else {
                self.out.extend_from_slice(b"/>");
            }
        }
        self
    }

    /// An element with attributes and no content: `<name a="1"/>`.
    pub(crate) fn empty(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) -> &mut Xml {
        self.start(name);
        for (k, v) in attrs {
            self.attr(k, v);
        }
        self.end()
    }

    /// The document, every open element closed.
    pub(crate) fn finish(mut self) -> Vec<u8> {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::Xml;

    #[test]
    fn values_are_escaped_and_elements_closed() {
        let mut x = Xml::new();
        x.start("a").attr("code", "\"x\" & <y>").num("n", 3);
        x.start("b").end();
        x.empty("c", &[("v", "1")]);
        let out = String::from_utf8(x.finish()).unwrap();
        assert!(
            out.ends_with("<a code=\"&quot;x&quot; &amp; &lt;y&gt;\" n=\"3\"><b/><c v=\"1\"/></a>")
        );
    }
}
