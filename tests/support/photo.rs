//! Camera photos for the tests and benchmarks, made at run time: a JPEG of any size as a phone
//! writes it, with an EXIF block (orientation, and a GPS tag the app must not pass on), and the
//! size a JPEG says it is.

use jpeg_encoder::{ColorType, Encoder};

/// EXIF's APP1 block, little-endian TIFF with one directory: the orientation (6: the camera was
/// turned, show the picture rotated 90° clockwise) and a GPS directory pointer, as phones write.
fn exif(orientation: u16) -> Vec<u8> {
    let mut block = b"Exif\0\0II*\0".to_vec();
    block.extend_from_slice(&8u32.to_le_bytes()); // the first directory follows the header
    block.extend_from_slice(&2u16.to_le_bytes()); // two entries
    for (tag, kind, value) in [(0x0112u16, 3u16, u32::from(orientation)), (0x8825, 4, 38)] {
        block.extend_from_slice(&tag.to_le_bytes());
        block.extend_from_slice(&kind.to_le_bytes());
        block.extend_from_slice(&1u32.to_le_bytes());
        block.extend_from_slice(&value.to_le_bytes());
    }
    block.extend_from_slice(&0u32.to_le_bytes()); // no next directory
    block.extend_from_slice(&0u16.to_le_bytes()); // the GPS directory at 38: empty
    block.extend_from_slice(&0u32.to_le_bytes());
    block
}

/// A `width` × `height` photo-like JPEG (soft gradients and some detail, quality 90) whose EXIF
/// says `orientation`.
pub fn camera_jpeg(width: u16, height: u16, orientation: u16) -> Vec<u8> {
    let (w, h) = (usize::from(width), usize::from(height));
    let mut pixels = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            let detail = ((x / 40 + y / 40) % 2) as u8 * 24;
            pixels.push((x * 255 / w) as u8 / 2 + detail);
            pixels.push((y * 255 / h) as u8 / 2 + 60);
            pixels.push(((x ^ y) & 0x3f) as u8 + 120);
        }
    }
    let mut jpeg = Vec::new();
    let mut encoder = Encoder::new(&mut jpeg, 90);
    encoder.add_app_segment(1, exif(orientation)).unwrap();
    encoder
        .encode(&pixels, width, height, ColorType::Rgb)
        .unwrap();
    jpeg
}

/// The width and height a JPEG's frame header (SOF0–SOF2) gives.
pub fn jpeg_size(jpeg: &[u8]) -> Option<(u16, u16)> {
    let mut at = 2;
    while at + 9 < jpeg.len() {
        let (marker, length) = (
            jpeg[at + 1],
            u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]),
        );
        if (0xC0..=0xC2).contains(&marker) {
            let height = u16::from_be_bytes([jpeg[at + 5], jpeg[at + 6]]);
            let width = u16::from_be_bytes([jpeg[at + 7], jpeg[at + 8]]);
            return Some((width, height));
        }
        at += 2 + usize::from(length);
    }
    None
}
