/** The API's field error messages (Symfony validator wording), one per failed rule. */
export const MESSAGES = {
  blank: 'This value should not be blank.',
  invalid: 'This value is not valid.',
  positive: 'This value should be greater than 0.',
  notString: 'This value should be of type string.',
  notNumber: 'This value should be of type numeric.',
  notObject: 'This value should be of type object.',
  notBoolean: 'This value should be of type bool.',
  extra: 'This field was not expected.',
  url: 'This value is not a valid URL.',
  email: 'This value is not a valid email address.',
  tooLong: 'This value is too long. It should have 255 characters or less.',
} as const;
