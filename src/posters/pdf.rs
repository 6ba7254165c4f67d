//! Assembles posters into one PDF: each poster is converted by svg2pdf into a
//! self-contained chunk (with its own embedded font subsets) that becomes a
//! Form XObject drawn over a whole page, so one poster and a print pack of a
//! hundred use the same code, and every page gets its MediaBox, BleedBox and
//! TrimBox.
//!
//! svg2pdf 0.13 writes fonts and resource dictionaries in `HashMap` order, so
//! its chunks differ from run to run. To keep "same input → same bytes", every
//! chunk is put into a canonical form here: objects are numbered in a
//! depth-first walk from the poster's XObject (children in the order svg2pdf
//! allocated them, which is deterministic among siblings), written in that
//! order, and the entries of resource dictionaries are sorted. The file itself
//! (header, objects, cross-reference table, trailer) is written here too,
//! because `pdf_writer::Pdf` keeps objects in the order they were added.

use std::collections::HashMap;
use std::io::Write;

use pdf_writer::{Chunk, Content, Finish, Name, Pdf, Rect, Ref, TextStr};
use rayon::prelude::*;
use svg2pdf::usvg;

use super::Sheet;

/// PostScript points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// One converted poster, ready to be placed on a page.
pub struct PageArt {
    chunk: Chunk,
    /// svg2pdf's object number → position in the canonical order (0 = the
    /// poster's XObject).
    order: HashMap<i32, i32>,
}

/// Convert a parsed poster with svg2pdf, keeping text as text (embedded,
/// subset fonts with a ToUnicode map, so the text can be searched and copied).
pub(crate) fn convert(tree: &usvg::Tree) -> Result<PageArt, String> {
    let options = svg2pdf::ConversionOptions {
        compress: true,
        embed_text: true,
        ..Default::default()
    };
    let (chunk, root) = svg2pdf::to_chunk(tree, options).map_err(|e| e.to_string())?;
    let order = canonical_order(&chunk, root);
    Ok(PageArt { chunk, order })
}

/// Number the chunk's objects in a depth-first walk from `root`.
fn canonical_order(chunk: &Chunk, root: Ref) -> HashMap<i32, i32> {
    // Renumbering calls the mapping for each object's own number and then for
    // each reference inside it, in order. Give every call a fresh number: the
    // numbers that come back as object numbers mark where objects start.
    let mut calls: Vec<i32> = Vec::new();
    let recorded = chunk.renumber(|old| {
        calls.push(old.get());
        Ref::new(calls.len() as i32)
    });
    let starts: Vec<usize> = recorded.refs().map(|r| r.get() as usize - 1).collect();
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    let mut defined = Vec::new();
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(calls.len());
        let mut refs = calls[start + 1..end].to_vec();
        refs.sort_unstable();
        refs.dedup();
        defined.push(calls[start]);
        children.insert(calls[start], refs);
    }

    let mut order: HashMap<i32, i32> = HashMap::new();
    let mut stack = vec![root.get()];
    while let Some(id) = stack.pop() {
        if order.contains_key(&id) {
            continue;
        }
        let next = order.len() as i32;
        order.insert(id, next);
        if let Some(refs) = children.get(&id) {
            // Reversed so that the smallest is visited first.
            stack.extend(refs.iter().rev().filter(|r| !order.contains_key(r)));
        }
    }
    // Anything unreachable (not expected), then dangling references.
    defined.sort_unstable();
    let mut rest: Vec<i32> = calls
        .iter()
        .copied()
        .filter(|id| !defined.contains(id))
        .collect();
    rest.sort_unstable();
    for id in defined.into_iter().chain(rest) {
        let next = order.len() as i32;
        order.entry(id).or_insert(next);
    }
    order
}

/// A PDF with one page per poster, every page the size of `sheet`.
pub(crate) fn assemble(pages: &[&PageArt], sheet: &Sheet, title: &str) -> Vec<u8> {
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let mut next = 4;
    let mut page_ids = Vec::with_capacity(pages.len());
    for _ in pages {
        page_ids.push((Ref::new(next), Ref::new(next + 1)));
        next += 2;
    }
    let mut bases = Vec::with_capacity(pages.len());
    for art in pages {
        bases.push(next);
        next += art.order.len() as i32;
    }

    let mm = |v: f64| v as f32 * PT_PER_MM;
    let (w, h) = (mm(sheet.sheet_width_mm), mm(sheet.sheet_height_mm));
    let slug = mm(sheet.slug_mm);
    let outer = mm(sheet.slug_mm + sheet.bleed_mm);
    let media = Rect::new(0.0, 0.0, w, h);
    let bleed = Rect::new(slug, slug, w - slug, h - slug);
    let trim = Rect::new(outer, outer, w - outer, h - outer);

    // Only for its objects: the file is written by `write_file`.
    let mut own = Pdf::new();
    own.catalog(catalog_id).pages(tree_id);
    own.pages(tree_id)
        .kids(page_ids.iter().map(|(p, _)| *p))
        .count(pages.len() as i32);
    own.document_info(info_id)
        .title(TextStr(title))
        .producer(TextStr("outreach"));
    let art_name = Name(b"P");
    let mut content = Content::new();
    content.save_state();
    content.transform([w, 0.0, 0.0, h, 0.0, 0.0]);
    content.x_object(art_name);
    content.restore_state();
    let content = content.finish();
    for ((page_id, content_id), base) in page_ids.iter().zip(&bases) {
        let mut page = own.page(*page_id);
        page.parent(tree_id)
            .media_box(media)
            .bleed_box(bleed)
            .trim_box(trim)
            .contents(*content_id);
        page.resources().x_objects().pair(art_name, Ref::new(*base));
        page.finish();
        own.stream(*content_id, &content);
    }

    let mut objects: Vec<(i32, Vec<u8>)> = split(&own)
        .into_iter()
        .map(|(id, bytes)| (id, bytes.to_vec()))
        .collect();
    let arts: Vec<Vec<(i32, Vec<u8>)>> = pages
        .par_iter()
        .zip(bases.par_iter())
        .map(|(art, base)| {
            let renumbered = art
                .chunk
                .renumber(|old| Ref::new(base + art.order[&old.get()]));
            let mut found: Vec<(i32, Vec<u8>)> = split(&renumbered)
                .into_iter()
                .map(|(id, bytes)| (id, sort_resource_entries(bytes)))
                .collect();
            // Dangling references (not expected) become null objects.
            let present: Vec<i32> = found.iter().map(|(id, _)| *id).collect();
            for local in 0..art.order.len() as i32 {
                if !present.contains(&(base + local)) {
                    found.push((
                        base + local,
                        format!("{} 0 obj\nnull\nendobj\n\n", base + local).into_bytes(),
                    ));
                }
            }
            found
        })
        .collect();
    objects.extend(arts.into_iter().flatten());
    objects.sort_by_key(|(id, _)| *id);
    write_file(&objects, catalog_id, info_id)
}

/// The objects of a chunk with their bytes (`N 0 obj … endobj`), in order.
fn split(chunk: &Chunk) -> Vec<(i32, &[u8])> {
    let buf = chunk.as_bytes();
    let ids: Vec<i32> = chunk.refs().map(|r| r.get()).collect();
    let mut starts = Vec::with_capacity(ids.len());
    let mut from = 0;
    for (k, id) in ids.iter().enumerate() {
        if k == 0 {
            // A `Pdf`'s buffer starts with the file header.
            let at = find(buf, format!("{id} 0 obj\n").as_bytes()).expect("the first object");
            starts.push(at);
            from = at;
            continue;
        }
        // Objects follow each other: "…\nendobj\n\nN 0 obj\n".
        let needle = format!("endobj\n\n{id} 0 obj\n");
        let at = find(&buf[from..], needle.as_bytes()).map(|p| from + p + "endobj\n\n".len());
        let at = at.expect("pdf-writer writes objects one after another");
        starts.push(at);
        from = at;
    }
    ids.iter()
        .enumerate()
        .map(|(k, id)| {
            let end = starts.get(k + 1).copied().unwrap_or(buf.len());
            (*id, &buf[starts[k]..end])
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Sort runs of resource entries (`/fo0 12 0 R`, `/cs0 [/ICCBased 8 0 R]`)
/// in an object's dictionary (not in its stream), which svg2pdf writes in
/// hash order.
fn sort_resource_entries(object: &[u8]) -> Vec<u8> {
    let dict_end = find(object, b">>\nstream\n").unwrap_or(object.len());
    let (dict, stream) = object.split_at(dict_end);
    let mut lines: Vec<&[u8]> = dict.split(|b| *b == b'\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let Some(indent) = resource_entry(lines[i]) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        while j < lines.len() && resource_entry(lines[j]) == Some(indent) {
            j += 1;
        }
        lines[i..j].sort_unstable();
        i = j;
    }
    let mut out = Vec::with_capacity(object.len());
    out.extend_from_slice(&lines.join(&b'\n'));
    out.extend_from_slice(stream);
    out
}

/// The indentation of a `/Name N 0 R` or `/Name [/Type N 0 R]` line.
fn resource_entry(line: &[u8]) -> Option<usize> {
    let indent = line.iter().take_while(|b| **b == b' ').count();
    let rest = line[indent..].strip_prefix(b"/")?;
    let space = rest.iter().position(|b| *b == b' ')?;
    let value = &rest[space + 1..];
    let value = match value.strip_prefix(b"[/") {
        Some(inner) => {
            let inner = inner.strip_suffix(b"]")?;
            let space = inner.iter().position(|b| *b == b' ')?;
            &inner[space + 1..]
        }
        None => value,
    };
    let number = value.strip_suffix(b" 0 R")?;
    (!number.is_empty() && number.iter().all(u8::is_ascii_digit)).then_some(indent)
}

/// Header, objects (numbered 1..=n without gaps), cross-reference table, trailer.
fn write_file(objects: &[(i32, Vec<u8>)], catalog: Ref, info: Ref) -> Vec<u8> {
    let size: usize = objects.iter().map(|(_, b)| b.len()).sum();
    let mut out = Vec::with_capacity(size + objects.len() * 20 + 200);
    out.extend_from_slice(b"%PDF-1.7\n%\x80\x80\x80\x80\n\n");
    let mut offsets = Vec::with_capacity(objects.len());
    for (k, (id, bytes)) in objects.iter().enumerate() {
        debug_assert_eq!(*id as usize, k + 1, "object numbers without gaps");
        offsets.push(out.len());
        out.extend_from_slice(bytes);
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).expect("to memory");
    for offset in offsets {
        write!(out, "{offset:010} 00000 n\r\n").expect("to memory");
    }
    write!(
        out,
        "trailer\n<<\n  /Size {}\n  /Root {} 0 R\n  /Info {} 0 R\n>>\nstartxref\n{xref}\n%%EOF",
        objects.len() + 1,
        catalog.get(),
        info.get()
    )
    .expect("to memory");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_resource_entries_only() {
        let object = b"5 0 obj\n<<\n  /Length 3\n  /Resources <<\n    /Font <<\n      /fo1 7 0 R\n      /fo0 6 0 R\n    >>\n    /ColorSpace <<\n      /cs1 [/ICCBased 9 0 R]\n      /cs0 [/ICCBased 8 0 R]\n    >>\n  >>\n>>\nstream\n/fo1 7 0 R\n/fo0 6 0 R\nendstream\nendobj\n\n";
        let sorted = String::from_utf8(sort_resource_entries(object)).unwrap();
        assert!(sorted.contains("/fo0 6 0 R\n      /fo1 7 0 R"), "{sorted}");
        assert!(
            sorted.contains("/cs0 [/ICCBased 8 0 R]\n      /cs1"),
            "{sorted}"
        );
        // The stream is left alone.
        assert!(
            sorted.ends_with("stream\n/fo1 7 0 R\n/fo0 6 0 R\nendstream\nendobj\n\n"),
            "{sorted}"
        );
        assert_eq!(sorted.len(), object.len());
    }

    #[test]
    fn numbers_objects_depth_first_from_the_root() {
        let mut chunk = Chunk::new();
        // Written in "hash order": 9 before 7, but 7 is the smaller sibling.
        chunk.indirect(Ref::new(9)).primitive(true);
        chunk
            .indirect(Ref::new(5))
            .array()
            .item(Ref::new(9))
            .item(Ref::new(7));
        chunk.indirect(Ref::new(7)).array().item(Ref::new(8));
        chunk.indirect(Ref::new(8)).primitive(false);
        let order = canonical_order(&chunk, Ref::new(5));
        assert_eq!(order[&5], 0);
        assert_eq!(order[&7], 1);
        assert_eq!(order[&8], 2);
        assert_eq!(order[&9], 3);
    }
}
