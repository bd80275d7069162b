/** One choice among a few, as radio buttons in a fieldset with its legend. */
export function RadioChoice<T extends string>({
  name,
  legend,
  value,
  options,
  onChange,
}: {
  /** The buttons' shared name. */
  name: string
  legend: string
  value: T
  options: readonly { readonly value: T; readonly label: string }[]
  onChange: (value: T) => void
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {options.map((option) => (
        <label key={option.value} className="check">
          <input
            type="radio"
            name={name}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
          {option.label}
        </label>
      ))}
    </fieldset>
  )
}
