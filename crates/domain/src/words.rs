//! Chinese capital amounts (大写金额) by the People's Bank of China's rules for bills and
//! receipts: 壹仟贰佰叁拾肆元伍角陆分, 壹仟元整, 壹佰元零伍分, 壹亿零壹元整, 零元整, 负….

use crate::money::Money;

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
const PLACES: [&str; 4] = ["", "拾", "佰", "仟"];
const GROUPS: [&str; 4] = ["", "万", "亿", "万亿"];

/// The 大写 form of `amount`.
///
/// Rules applied (中国人民银行《支付结算办法》附件一 and common receipt practice):
/// - every nonzero digit is written with its place, including 壹拾 (never bare 拾);
/// - one 零 stands for any run of zeros between nonzero places, also across 万 and 亿
///   (壹亿零壹元整, 壹万零壹拾元整); zeros at the end of the yuan part are not written;
/// - an amount that ends at 元 gets 整 (壹仟元整, 零元整);
/// - when 角 is 0 but 分 is not, 零 follows 元 (壹佰元零伍分);
/// - when the yuan digit is 0 but 角 is not, no 零 is written (壹拾元伍角; the rules allow
///   either), and nothing follows 角 when there are no 分 (伍角);
/// - amounts below one yuan start at 角 or 分 (伍角陆分, 伍分); negatives are prefixed 负.
pub fn capital_amount(amount: Money) -> String {
    let (yuan, fen_part) = amount.yuan_and_fen_abs();
    let (jiao, fen) = (fen_part / 10, fen_part % 10);
    let mut out = String::new();
    if amount.is_negative() {
        out.push('负');
    }
    if yuan == 0 && fen_part == 0 {
        out.push_str("零元整");
        return out;
    }
    if yuan > 0 {
        out.push_str(&integer_words(yuan));
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) => out.push('整'),
        (0, f) => {
            if yuan > 0 {
                out.push('零');
            }
            out.push(DIGITS[usize::from(f)]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[usize::from(j)]);
            out.push('角');
            if f > 0 {
                out.push(DIGITS[usize::from(f)]);
                out.push('分');
            }
        }
    }
    out
}

/// Words of a positive whole number of yuan, without the 元.
fn integer_words(value: u64) -> String {
    let mut groups = Vec::new();
    let mut rest = value;
    while rest > 0 {
        groups.push((rest % 10_000) as u16);
        rest /= 10_000;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for (index, &group) in groups.iter().enumerate().rev() {
        if group == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (zero_pending || group < 1000) {
            out.push('零');
        }
        out.push_str(&group_words(group));
        out.push_str(GROUPS[index]);
        zero_pending = false;
    }
    out
}

/// Words of 1..=9999 inside one four-digit group; inner zero runs become one 零, trailing
/// zeros vanish, leading zeros are the caller's business.
fn group_words(group: u16) -> String {
    let digits = [group / 1000, group / 100 % 10, group / 10 % 10, group % 10];
    let mut out = String::new();
    let mut zero_run = false;
    for (i, &d) in digits.iter().enumerate() {
        let place = 3 - i;
        if d == 0 {
            zero_run = !out.is_empty();
            continue;
        }
        if zero_run {
            out.push('零');
            zero_run = false;
        }
        out.push(DIGITS[usize::from(d)]);
        out.push_str(PLACES[place]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> String {
        Money::parse(text).unwrap().words()
    }

    #[test]
    fn peoples_bank_examples() {
        let cases = [
            ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
            ("1000", "壹仟元整"),
            ("100.05", "壹佰元零伍分"),
            ("100000001", "壹亿零壹元整"),
            ("0", "零元整"),
            ("0.00", "零元整"),
            ("-1234.56", "负壹仟贰佰叁拾肆元伍角陆分"),
            ("16", "壹拾陆元整"),
            ("10", "壹拾元整"),
            ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
            ("107000.53", "壹拾万柒仟元伍角叁分"),
            ("6007.14", "陆仟零柒元壹角肆分"),
            ("325.04", "叁佰贰拾伍元零肆分"),
            ("10010", "壹万零壹拾元整"),
            ("10000", "壹万元整"),
            ("1000100", "壹佰万零壹佰元整"),
            ("100010000", "壹亿零壹万元整"),
            ("110000000", "壹亿壹仟万元整"),
            ("10000001", "壹仟万零壹元整"),
            ("1001001", "壹佰万壹仟零壹元整"),
            ("0.56", "伍角陆分"),
            ("0.05", "伍分"),
            ("0.5", "伍角"),
            ("1.5", "壹元伍角"),
            ("-0.01", "负壹分"),
            ("1000000000000", "壹万亿元整"),
            ("9999999999999999.99", "玖仟玖佰玖拾玖万亿玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
        ];
        for (amount, expected) in cases {
            assert_eq!(words(amount), expected, "{amount}");
        }
    }

    /// Reads 大写 back into fen, independently of how it was written, so the property test
    /// below checks meaning rather than repeating the algorithm.
    fn read_back(text: &str) -> i64 {
        let (negative, text) = match text.strip_prefix('负') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let text = text.replace("万亿", "Z");
        let digit = |c: char| DIGITS.iter().position(|&d| d == c).map(|p| p as i64);
        let (mut total, mut section, mut current, mut fen, mut last_digit) = (0i64, 0i64, 0i64, 0i64, 0i64);
        for c in text.chars() {
            if let Some(d) = digit(c) {
                last_digit = d;
                current = d;
                continue;
            }
            let unit = match c {
                '拾' => Some(10),
                '佰' => Some(100),
                '仟' => Some(1000),
                _ => None,
            };
            if let Some(place) = unit {
                section += current * place;
                current = 0;
                continue;
            }
            match c {
                '万' | '亿' | 'Z' => {
                    let big = match c {
                        '万' => 10_000,
                        '亿' => 100_000_000,
                        _ => 1_000_000_000_000,
                    };
                    total += (section + current) * big;
                    section = 0;
                    current = 0;
                }
                '元' => {
                    total += section + current;
                    section = 0;
                    current = 0;
                }
                '角' => {
                    fen += last_digit * 10;
                    current = 0;
                }
                '分' => {
                    fen += last_digit;
                    current = 0;
                }
                '整' => {}
                other => panic!("unexpected {other}"),
            }
        }
        let value = total * 100 + fen;
        if negative { -value } else { value }
    }

    proptest! {
        #[test]
        fn words_read_back_to_the_same_amount(fen in -99_999_999_999_999i64..99_999_999_999_999) {
            let text = Money::from_fen(fen).unwrap().words();
            prop_assert_eq!(read_back(&text), fen, "{}", text);
            prop_assert!(!text.contains("零零"), "{}", text);
            prop_assert!(!text.ends_with('零'), "{}", text);
        }

        #[test]
        fn whole_yuan_end_with_zheng(yuan in 0i64..9_999_999_999) {
            let text = Money::from_fen(yuan * 100).unwrap().words();
            prop_assert!(text.ends_with("元整"), "{}", text);
        }
    }
}
