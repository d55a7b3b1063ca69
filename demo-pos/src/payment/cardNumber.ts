/** The only part of a card number that may be shown or logged. */
export function lastFour(cardNumber: string): string {
  return cardNumber.slice(-4);
}

/** The Luhn checksum every real card number satisfies; a typo almost never does. */
export function passesLuhn(cardNumber: string): boolean {
  let sum = 0;
  for (let index = 0; index < cardNumber.length; index++) {
    let digit = Number(cardNumber[cardNumber.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}
