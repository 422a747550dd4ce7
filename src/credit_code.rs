//! 统一社会信用代码 (GB 32100-2015): the check character, so a mistyped code is caught before
//! it is printed on a form.

/// The code's character set, valued 0–30 in this order (I, O, S, V, Z are not used).
const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
/// W_i = 3^(i−1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Why a code is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("has {0} characters; a 统一社会信用代码 has 18")]
    Length(usize),
    #[error("character `{0}` at position {1} is not used in 统一社会信用代码 (0–9 and A–Y without I, O, S, V, Z)")]
    Character(char, usize),
    #[error("check character is `{found}` but should be `{expected}`")]
    Check { found: char, expected: char },
    #[error("has lower-case letters; a 统一社会信用代码 is written in capitals (`{upper}`), and checkgen does not change it silently")]
    LowerCase { upper: String },
}

fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The check character for the first 17 characters.
pub fn check_character(first17: &[u32; 17]) -> char {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(c, w)| c * w).sum();
    let check = (31 - sum % 31) % 31;
    CHARSET
        .chars()
        .nth(check as usize)
        .expect("a value modulo 31 indexes the 31-character set")
}

/// The values (0–30) of the first 17 characters of `prefix`, for [`check_character`]; `None`
/// when a character is not in the code's set or `prefix` is shorter than 17.
pub fn values(prefix: &str) -> Option<[u32; 17]> {
    let mut values = [0u32; 17];
    let mut chars = prefix.chars();
    for slot in &mut values {
        *slot = value(chars.next()?)?;
    }
    Some(values)
}

/// Validates a code; surrounding spaces are dropped. Lower-case letters are an error that says
/// so ([`CodeError::LowerCase`]): the code is copied onto a form, so it must be the one on the
/// business licence, not a guess at it.
pub fn validate(code: &str) -> Result<String, CodeError> {
    let code = code.trim();
    if code.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(CodeError::LowerCase {
            upper: code.to_ascii_uppercase(),
        });
    }
    let code = code.to_string();
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(CodeError::Length(chars.len()));
    }
    let mut values = [0u32; 17];
    for (index, c) in chars.iter().enumerate() {
        let v = value(*c).ok_or(CodeError::Character(*c, index + 1))?;
        if index < 17 {
            values[index] = v;
        }
    }
    let expected = check_character(&values);
    if chars[17] != expected {
        return Err(CodeError::Check {
            found: chars[17],
            expected,
        });
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_example_and_synthetic_code_pass() {
        assert_eq!(
            validate("91350100M000100Y43").as_deref(),
            Ok("91350100M000100Y43")
        );
        assert!(validate(" 91370600MA3C00003H ").is_ok());
        let prefix = values("91370600MA3C00003").unwrap();
        assert_eq!(check_character(&prefix), 'H');
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(
            validate("91350100M000100Y44"),
            Err(CodeError::Check {
                found: '4',
                expected: '3'
            })
        );
        assert_eq!(validate("9135"), Err(CodeError::Length(4)));
        assert_eq!(
            validate("91370600ma3c00003h"),
            Err(CodeError::LowerCase {
                upper: "91370600MA3C00003H".into()
            })
        );
        assert_eq!(
            validate("91350100I000100Y43"),
            Err(CodeError::Character('I', 9))
        );
    }
}
