//! Mobile numbers as typed, and the masking every list and export applies: a parsed number is 11
//! digits starting 13–19 and parses to itself, and no masked phone or name reveals more than
//! GB/T 41833-2022 allows, whatever the input.
#![no_main]

use doorstep_core::masking::{mask_name, mask_phone};
use doorstep_core::phone::parse_mobile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(number) = parse_mobile(input) {
        let b = number.as_bytes();
        assert!(
            b.len() == 11 && b.iter().all(u8::is_ascii_digit),
            "{number}"
        );
        assert!(b[0] == b'1' && (b'3'..=b'9').contains(&b[1]), "{number}");
        assert_eq!(parse_mobile(&number).as_ref(), Ok(&number));
        assert_eq!(
            mask_phone(&number),
            format!("{}******{}", &number[..3], &number[9..])
        );
    }

    let masked = mask_phone(input);
    assert!(
        masked.chars().filter(|&c| c == '*').count() >= 6,
        "{masked}"
    );
    let chars: Vec<char> = input.chars().collect();
    for window in chars.windows(6) {
        if window.iter().all(char::is_ascii_digit) {
            let shown: String = window.iter().collect();
            assert!(!masked.contains(&shown), "{masked} shows {shown}");
        }
    }

    let name = mask_name(input);
    let trimmed: Vec<char> = input.trim().chars().collect();
    assert_eq!(name.chars().count(), trimmed.len());
    assert!(name.chars().skip(1).all(|c| c == '*'), "{name}");
    if trimmed.len() == 1 {
        assert_eq!(name, "*");
    }
});
