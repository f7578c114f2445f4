//! The size a photo is drawn at.

/// `width` × `height` scaled so the longest side is at most `max`, the shape kept (rounded to
/// whole pixels, never below one) and never enlarged.
pub fn fit(width: u32, height: u32, max: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max {
        return (width, height);
    }
    let scale = |side: u32| {
        let scaled =
            (u64::from(side) * u64::from(max) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(scaled).unwrap_or(max).max(1)
    };
    (scale(width), scale(height))
}

#[cfg(test)]
mod tests {
    use super::fit;
    use doorstep_core::proof::MAX_PHOTO_SIDE;

    #[test]
    fn the_longest_side_becomes_the_limit_and_the_shape_stays() {
        assert_eq!(fit(4000, 3000, MAX_PHOTO_SIDE), (1600, 1200));
        assert_eq!(fit(3000, 4000, MAX_PHOTO_SIDE), (1200, 1600), "portrait");
        assert_eq!(fit(4032, 3024, MAX_PHOTO_SIDE), (1600, 1200));
        assert_eq!(fit(3264, 2448, 1600), (1600, 1200));
        assert_eq!(
            fit(1000, 333, 500),
            (500, 167),
            "rounded to the nearest pixel"
        );
        assert_eq!(fit(10_000, 2, 1600), (1600, 1), "never below one pixel");
    }

    #[test]
    fn a_small_photo_is_not_enlarged() {
        assert_eq!(fit(1600, 900, MAX_PHOTO_SIDE), (1600, 900));
        assert_eq!(fit(640, 480, MAX_PHOTO_SIDE), (640, 480));
        assert_eq!(fit(0, 0, MAX_PHOTO_SIDE), (0, 0));
    }
}
