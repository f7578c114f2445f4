//! Masking of personal data for display and export (GB/T 41833-2022): hide at least one character
//! of a name, at least six digits of a phone number and the room number.

/// `13812345634` → `138******34`: keeps the first three and last two digits, hides six or more.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 11 {
        // Too short to keep anything and still hide six digits.
        return "*".repeat(chars.len().max(6));
    }
    let hidden = chars.len() - 5;
    let mut out: String = chars[..3].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - 2..]);
    out
}

/// `张三丰` → `张**`, `李` → `*`: keeps only the first character of a name of two or more.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.clone().count() {
        0 => String::new(),
        1 => "*".to_string(),
        n => {
            let first = chars.next().unwrap_or('*');
            let mut out = String::from(first);
            out.push_str(&"*".repeat(n - 1));
            out
        }
    }
}

/// The room number is never shown; a placeholder keeps the address readable.
pub fn mask_room(room: &str) -> String {
    if room.trim().is_empty() {
        String::new()
    } else {
        "***".to_string()
    }
}

/// Last `n` characters of a waybill number, which is how couriers and recipients refer to a parcel.
pub fn waybill_tail(waybill: &str, n: usize) -> String {
    let chars: Vec<char> = waybill.chars().collect();
    chars[chars.len().saturating_sub(n)..].iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_hides_six_digits() {
        assert_eq!(mask_phone("13812345634"), "138******34");
        assert_eq!(mask_phone("138"), "******");
        let masked = mask_phone("13812345634");
        assert_eq!(masked.chars().filter(|c| *c == '*').count(), 6);
    }

    #[test]
    fn name_keeps_only_the_first_character() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name("王五"), "王*");
        assert_eq!(mask_name("李"), "*");
        assert_eq!(mask_name("  "), "");
    }

    #[test]
    fn room_is_hidden() {
        assert_eq!(mask_room("1203"), "***");
        assert_eq!(mask_room(""), "");
    }

    #[test]
    fn waybill_tail_takes_last_characters() {
        assert_eq!(waybill_tail("SF1234567890123", 4), "0123");
        assert_eq!(waybill_tail("12", 4), "12");
    }
}
